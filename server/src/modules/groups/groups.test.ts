import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('groups', () => {
  it('creates, lists, shows, renames and describes a group, and audits each change', async () => {
    const o = await orgWithOwner(t);
    const created = await o.owner.agent.post(`${o.base}/groups`, {
      name: '  Sales   Team ',
      description: 'Field sales',
      welcomeMessage: 'Welcome aboard',
    });
    expectStatus(created, 201);
    expect(created.data).toMatchObject({
      name: 'Sales Team',
      parentId: null,
      description: 'Field sales',
      welcomeMessage: 'Welcome aboard',
      memberCount: 0,
      subgroupCount: 0,
      path: [],
      observers: [],
      defaultReferent: null,
      logoUrl: null,
    });
    const id = created.data.id;

    const patched = expectStatus(await o.owner.agent.patch(`${o.base}/groups/${id}`, { name: 'Sales', description: null }), 200);
    expect(patched.data).toMatchObject({ name: 'Sales', description: null, welcomeMessage: 'Welcome aboard' });

    const list = expectStatus(await o.owner.agent.get(`${o.base}/groups`), 200);
    expect(list.data).toEqual({ items: [expect.objectContaining({ id, name: 'Sales' })], nextCursor: null });
    expect((await o.owner.agent.get(`${o.base}/groups/${id}`)).data.name).toBe('Sales');

    const audit = await o.owner.agent.get(`${o.base}/audit-events?limit=10`);
    expect(audit.data.items.map((e: { action: unknown }) => e.action)).toEqual(expect.arrayContaining(['group.created', 'group.updated']));
  });

  it('refuses a sibling name that differs only by case or spaces with 409 group_name_taken', async () => {
    const o = await orgWithOwner(t);
    await o.group('Sales');
    for (const name of ['sales', 'Sales ', ' SALES', 'sales']) {
      const res = await o.owner.agent.post(`${o.base}/groups`, { name });
      expect(res.statusCode).toBe(409);
      expect(res.data.error.code).toBe('group_name_taken');
      expect(res.data.error.details.fields.name).toBeTruthy();
    }
    await o.group('North  Team');
    expect((await o.owner.agent.post(`${o.base}/groups`, { name: 'north team' })).data.error.code).toBe('group_name_taken');
    // Renaming onto a sibling's name clashes too; renaming a group to its own name in another case does not.
    const other = await o.group('Marketing');
    expect((await o.owner.agent.patch(`${o.base}/groups/${other.id}`, { name: 'SALES' })).statusCode).toBe(409);
    expect((await o.owner.agent.patch(`${o.base}/groups/${other.id}`, { name: 'marketing' })).statusCode).toBe(200);
  });

  it('allows the same name under different parents and in another organization', async () => {
    const o = await orgWithOwner(t);
    const paris = await o.group('Paris');
    const lyon = await o.group('Lyon');
    await o.group('Sales', { parentId: paris.id });
    await o.group('Sales', { parentId: lyon.id });
    await o.group('Sales');
    const other = await orgWithOwner(t);
    await other.group('Sales');
    const children = await o.owner.agent.get(`${o.base}/groups?parentId=${paris.id}`);
    expect(children.data.items.map((g: { name: unknown }) => g.name)).toEqual(['Sales']);
    const roots = await o.owner.agent.get(`${o.base}/groups?parentId=root`);
    expect(roots.data.items.map((g: { name: unknown }) => g.name)).toEqual(['Lyon', 'Paris', 'Sales']);
  });

  it('nests sub-groups at any depth, shows the path, and moves a group with its sub-tree', async () => {
    const o = await orgWithOwner(t);
    const a = await o.group('A');
    const b = await o.group('B', { parentId: a.id });
    const c = await o.group('C', { parentId: b.id });
    const d = await o.group('D', { parentId: c.id });
    const detail = await o.owner.agent.get(`${o.base}/groups/${d.id}`);
    expect(detail.data.path.map((p: { name: unknown }) => p.name)).toEqual(['A', 'B', 'C']);
    expect((await o.owner.agent.get(`${o.base}/groups/${a.id}`)).data.subgroupCount).toBe(1);

    const x = await o.group('X');
    expectStatus(await o.owner.agent.patch(`${o.base}/groups/${c.id}`, { parentId: x.id }), 200);
    expect((await o.owner.agent.get(`${o.base}/groups/${d.id}`)).data.path.map((p: { name: unknown }) => p.name)).toEqual(['X', 'C']);
    expectStatus(await o.owner.agent.patch(`${o.base}/groups/${c.id}`, { parentId: null }), 200);
    expect((await o.owner.agent.get(`${o.base}/groups/${c.id}`)).data.parentId).toBeNull();
    // A move next to a sibling of the same name clashes like a rename.
    await o.group('d', { parentId: x.id });
    const clash = await o.owner.agent.patch(`${o.base}/groups/${d.id}`, { parentId: x.id });
    expect(clash.statusCode).toBe(409);
    expect(clash.data.error.code).toBe('group_name_taken');
  });

  it('refuses a move that would make a cycle with 409 group_cycle naming parentId', async () => {
    const o = await orgWithOwner(t);
    const a = await o.group('A');
    const b = await o.group('B', { parentId: a.id });
    const c = await o.group('C', { parentId: b.id });
    for (const parentId of [c.id, b.id, a.id]) {
      const res = await o.owner.agent.patch(`${o.base}/groups/${a.id}`, { parentId });
      expect(res.statusCode).toBe(409);
      expect(res.data.error.code).toBe('group_cycle');
      expect(res.data.error.details.fields.parentId).toBeTruthy();
    }
    expect((await o.owner.agent.get(`${o.base}/groups/${a.id}`)).data.parentId).toBeNull();
  });

  it('refuses a parent that is unknown or belongs to another organization (422 naming parentId)', async () => {
    const o = await orgWithOwner(t);
    const other = await orgWithOwner(t);
    const foreign = await other.group('Foreign');
    const res = await o.owner.agent.post(`${o.base}/groups`, { name: 'Child', parentId: foreign.id });
    expect(res.statusCode).toBe(422);
    expect(res.data.error.details.fields.parentId).toBeTruthy();
    const mine = await o.group('Mine');
    expect((await o.owner.agent.patch(`${o.base}/groups/${mine.id}`, { parentId: foreign.id })).statusCode).toBe(422);
  });

  it('deletes a group and keeps its members in the organization; a group with sub-groups needs withSubgroups', async () => {
    const o = await orgWithOwner(t);
    const learner = await o.learner();
    const parent = await o.group('Parent');
    const child = await o.group('Child', { parentId: parent.id });
    await o.addToGroup(child.id, [learner.id]);
    const refused = await o.owner.agent.delete(`${o.base}/groups/${parent.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.data.error).toMatchObject({ code: 'group_has_subgroups', details: { subgroupCount: 1 } });
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${parent.id}?withSubgroups=true`), 204);
    expect((await o.owner.agent.get(`${o.base}/groups/${child.id}`)).statusCode).toBe(404);
    const me = await learner.agent.get('/api/v1/me');
    expect(me.data.memberships.map((m: { orgId: unknown }) => m.orgId)).toContain(o.org.id);
    const leaf = await o.group('Leaf');
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${leaf.id}`), 204);
  });

  it('sets a default referent among staff only (422 naming defaultReferentId otherwise)', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('G');
    const manager = await o.learner('manager_limited');
    const learner = await o.learner();
    const outsider = await orgWithOwner(t);
    const ok = expectStatus(await o.owner.agent.patch(`${o.base}/groups/${g.id}`, { defaultReferentId: manager.id }), 200);
    expect(ok.data.defaultReferent).toMatchObject({ id: manager.id, email: manager.email });
    for (const id of [learner.id, outsider.owner.id]) {
      const res = await o.owner.agent.patch(`${o.base}/groups/${g.id}`, { defaultReferentId: id });
      expect(res.statusCode).toBe(422);
      expect(res.data.error.details.fields.defaultReferentId).toBeTruthy();
    }
    expect((await o.owner.agent.patch(`${o.base}/groups/${g.id}`, { defaultReferentId: null })).data.defaultReferent).toBeNull();
  });

  it('refuses unknown fields in the body', async () => {
    const o = await orgWithOwner(t);
    const res = await o.owner.agent.post(`${o.base}/groups`, { name: 'G', orgId: o.org.id });
    expect(res.statusCode).toBe(422);
  });

  it('pages through groups with a cursor', async () => {
    const o = await orgWithOwner(t);
    for (const n of ['E', 'D', 'C', 'B', 'A']) await o.group(n);
    const first = await o.owner.agent.get(`${o.base}/groups?limit=2`);
    expect(first.data.items.map((g: { name: unknown }) => g.name)).toEqual(['A', 'B']);
    const second = await o.owner.agent.get(`${o.base}/groups?limit=2&cursor=${first.data.nextCursor}`);
    expect(second.data.items.map((g: { name: unknown }) => g.name)).toEqual(['C', 'D']);
    const third = await o.owner.agent.get(`${o.base}/groups?limit=2&cursor=${second.data.nextCursor}`);
    expect(third.data).toMatchObject({ items: [expect.objectContaining({ name: 'E' })], nextCursor: null });
  });
});

describe('group permissions and organization scoping', () => {
  it('refuses a limited manager (403) and a learner (403) creating a group; a limited manager may read the groups it manages', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Readable');
    const limited = await o.learner('manager_limited');
    expect((await limited.agent.get(`${o.base}/groups/${g.id}`)).statusCode).toBe(404); // not one of its groups yet
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${g.id}/observers`, { accountIds: [limited.id] }), 200);
    const res = await limited.agent.post(`${o.base}/groups`, { name: 'Nope' });
    expect(res.statusCode).toBe(403);
    expect(res.data.error.code).toBe('forbidden');
    expect((await limited.agent.patch(`${o.base}/groups/${g.id}`, { name: 'Renamed' })).statusCode).toBe(403);
    expect((await limited.agent.get(`${o.base}/groups/${g.id}`)).statusCode).toBe(200);
    const learner = await o.learner();
    expect((await learner.agent.post(`${o.base}/groups`, { name: 'Nope' })).statusCode).toBe(403);
    expect((await learner.agent.get(`${o.base}/groups`)).statusCode).toBe(403);
  });

  it('answers 404 for another organization’s group, also through one’s own organization’s path', async () => {
    const a = await orgWithOwner(t);
    const b = await createOrg(t);
    const ga = await a.group('Secret');
    const bBase = `/api/v1/orgs/${b.org.id}`;
    const agent = b.owner.agent;
    expect((await agent.get(`${a.base}/groups/${ga.id}`)).statusCode).toBe(404);
    for (const [method, url, body] of [
      ['GET', `${bBase}/groups/${ga.id}`],
      ['PATCH', `${bBase}/groups/${ga.id}`, { name: 'Mine now' }],
      ['DELETE', `${bBase}/groups/${ga.id}`],
      ['GET', `${bBase}/groups/${ga.id}/members`],
      ['POST', `${bBase}/groups/${ga.id}/members`, { accountIds: [b.owner.id] }],
      ['GET', `${bBase}/groups/${ga.id}/assignments`],
      ['GET', `${bBase}/groups/${ga.id}/observers`],
    ] as [string, string, Record<string, unknown>?][]) {
      const res = await agent.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await a.owner.agent.get(`${a.base}/groups/${ga.id}`)).data.name).toBe('Secret');
  });
});

describe('API contract', () => {
  it('documents the groups, programs and enrolments paths in the OpenAPI document', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    const paths: Record<string, string[]> = {
      '/api/v1/orgs/{orgId}/groups': ['get', 'post'],
      '/api/v1/orgs/{orgId}/groups/{groupId}': ['get', 'patch', 'delete'],
      '/api/v1/orgs/{orgId}/groups/{groupId}/members': ['get', 'post'],
      '/api/v1/orgs/{orgId}/groups/{groupId}/members/{accountId}': ['delete'],
      '/api/v1/orgs/{orgId}/groups/{groupId}/observers': ['get', 'post'],
      '/api/v1/orgs/{orgId}/groups/{groupId}/observers/{accountId}': ['delete'],
      '/api/v1/orgs/{orgId}/groups/{groupId}/assignments': ['get', 'post'],
      '/api/v1/orgs/{orgId}/groups/{groupId}/assignments/{sessionId}': ['delete'],
      '/api/v1/orgs/{orgId}/groups/{groupId}/logo': ['get', 'put', 'delete'],
      '/api/v1/orgs/{orgId}/groups/{groupId}/background': ['get', 'put', 'delete'],
      '/api/v1/orgs/{orgId}/programs': ['get', 'post'],
      '/api/v1/orgs/{orgId}/programs/{programId}': ['get', 'patch', 'delete'],
      '/api/v1/orgs/{orgId}/programs/{programId}/sessions': ['get', 'post'],
      '/api/v1/orgs/{orgId}/programs/{programId}/sessions/{sessionId}': ['get', 'patch', 'delete'],
      '/api/v1/orgs/{orgId}/enrolments': ['get'],
      '/api/v1/me/home': ['get'],
      '/api/v1/me/enrolments': ['get'],
      '/api/v1/me/enrolments/{enrolmentId}/progress': ['post'],
      '/api/v1/certificates/{certificateId}': ['get'],
    };
    for (const [p, methods] of Object.entries(paths))
      expect(Object.keys(doc.paths[p] ?? {}).sort(), p).toEqual(expect.arrayContaining(methods));
    expect(doc.paths['/api/v1/orgs/{orgId}/groups'].post.requestBody.content['application/json'].schema.properties).toHaveProperty(
      'parentId',
    );
  });
});
