import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, addMember, createOrg, signUp } from '../../../test/factories.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('organizations', () => {
  it('makes the creator owner, derives a slug, and lets one account belong to several organizations', async () => {
    const { agent } = await signUp(t);
    const a = await agent.post('/api/v1/orgs', { name: 'Équipe Ventes' });
    expect(a.statusCode).toBe(201);
    expect(a.data.slug).toMatch(/^equipe-ventes(-\d+)?$/);
    const b = await agent.post('/api/v1/orgs', { name: 'Second Org', slug: `second-${uid()}` });
    expect(b.statusCode).toBe(201);
    const me = await agent.get('/api/v1/me');
    expect(me.data.memberships.map((m: { role: unknown }) => m.role)).toEqual(['owner', 'owner']);
    expect(me.data.memberships[0].permissions).toContain('org.update');
    const org = await agent.get(`/api/v1/orgs/${a.data.id}`);
    expect(org.data).toMatchObject({ name: 'Équipe Ventes', role: 'owner' });
  });

  it('refuses a taken, reserved or malformed slug with a clear error naming the field', async () => {
    const { agent } = await signUp(t);
    const slug = `taken-${uid()}`;
    await agent.post('/api/v1/orgs', { name: 'One', slug });
    const dup = await agent.post('/api/v1/orgs', { name: 'Two', slug });
    expect(dup.statusCode).toBe(409);
    expect(dup.data.error).toMatchObject({ code: 'slug_taken', details: { fields: { slug: expect.any(String) } } });
    expect((await agent.post('/api/v1/orgs', { name: 'Three', slug: 'api' })).data.error.code).toBe('slug_reserved');
    const bad = await agent.post('/api/v1/orgs', { name: 'Four', slug: 'No Spaces!' });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.details.fields.slug).toBeTruthy();
  });

  it('answers 404 for another organization, and 403 for an action the role does not allow', async () => {
    const { org } = await createOrg(t);
    const stranger = await signUp(t);
    expect((await stranger.agent.get(`/api/v1/orgs/${org.id}`)).statusCode).toBe(404);
    expect((await stranger.agent.patch(`/api/v1/orgs/${org.id}`, { name: 'Hijacked' })).statusCode).toBe(404);
    expect((await stranger.agent.get('/api/v1/orgs/not-a-uuid')).statusCode).toBe(404);
    const limited = await addMember(t, org.id, 'manager_limited');
    const res = await limited.agent.patch(`/api/v1/orgs/${org.id}`, { name: 'Renamed' });
    expect(res.statusCode).toBe(403);
    expect(res.data.error.code).toBe('forbidden');
    expect((await limited.agent.get(`/api/v1/orgs/${org.id}`)).data.permissions).not.toContain('groups.manage');
  });

  it('refuses fields the form does not offer, such as a role or an orgId', async () => {
    const { agent } = await signUp(t);
    const res = await agent.post('/api/v1/orgs', { name: 'Sneaky', role: 'admin' });
    expect(res.statusCode).toBe(422);
  });
});

describe('locations', () => {
  it('creates, renames and archives locations, with a 409 for a duplicate name', async () => {
    const { owner, org } = await createOrg(t);
    const base = `/api/v1/orgs/${org.id}/locations`;
    const lyon = await owner.agent.post(base, { name: 'Lyon' });
    expect(lyon.statusCode).toBe(201);
    expect((await owner.agent.post(base, { name: 'lyon' })).statusCode).toBe(409);
    expect((await owner.agent.patch(`${base}/${lyon.data.id}`, { name: 'Lyon Part-Dieu' })).data.name).toBe('Lyon Part-Dieu');
    await owner.agent.patch(`${base}/${lyon.data.id}`, { archived: true });
    expect((await owner.agent.get(base)).data.items).toEqual([]);
    expect((await owner.agent.get(`${base}?includeArchived=true`)).data.items[0].archivedAt).toBeTruthy();
  });
});

describe('audit log', () => {
  it('records sign-ins, failed sign-ins and changes; owners read it, learners may not', async () => {
    const { owner, org } = await createOrg(t);
    await owner.agent.post('/api/v1/auth/login', { email: owner.email, password: 'wrong password!' });
    await owner.agent.post('/api/v1/auth/login', { email: owner.email, password: PASSWORD });
    await owner.agent.patch(`/api/v1/orgs/${org.id}`, { name: 'Renamed Org' });
    const log = await owner.agent.get(`/api/v1/orgs/${org.id}/audit-events`);
    expect(log.statusCode).toBe(200);
    const actions = log.data.items.map((e: { action: unknown }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['org.updated', 'auth.sign_in', 'auth.sign_in_failed', 'org.created']));
    expect(log.data.items[0]).toMatchObject({ actorEmail: owner.email, ip: expect.any(String) });
    const learner = await addMember(t, org.id, 'learner');
    expect((await learner.agent.get(`/api/v1/orgs/${org.id}/audit-events`)).statusCode).toBe(403);
  });

  it('pages with a cursor', async () => {
    const { owner, org } = await createOrg(t);
    for (let i = 0; i < 3; i++) await owner.agent.post(`/api/v1/orgs/${org.id}/locations`, { name: `Site ${i}` });
    const first = await owner.agent.get(`/api/v1/orgs/${org.id}/audit-events?limit=2`);
    expect(first.data.items).toHaveLength(2);
    const second = await owner.agent.get(`/api/v1/orgs/${org.id}/audit-events?limit=2&cursor=${first.data.nextCursor}`);
    expect(second.data.items.length).toBeGreaterThan(0);
    expect(second.data.items[0].id).not.toBe(first.data.items[1].id);
    expect((await owner.agent.get(`/api/v1/orgs/${org.id}/audit-events?cursor=garbage`)).statusCode).toBe(400);
  });
});
