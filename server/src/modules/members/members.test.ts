import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { PASSWORD, addMember, lastMail } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('managed accounts', () => {
  it('creates an account at once, in its groups, and mails a set-password link (never a password)', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Drivers');
    const email = `managed-${uid()}@example.com`;
    const res = expectStatus(
      await o.owner.agent.post(`${o.base}/members`, { email, name: 'Mo', role: 'learner', groupIds: [group.id] }),
      201,
    );
    expect(res.data).toMatchObject({ email, name: 'Mo', role: 'learner', status: 'active' });
    const mail = await lastMail(t, email);
    expect(mail!.link).toMatch(/\/set-password\?token=/);
    expect(mail!.text).not.toMatch(/password:\s*\S+/i);
    const a = new Agent(t.app);
    expectStatus(await a.post('/api/v1/auth/set-password', { token: mail!.token, password: PASSWORD }), 200);
    expectStatus(await a.post('/api/v1/auth/login', { email, password: PASSWORD }), 200);
    expect((await a.get('/api/v1/me')).data.memberships[0]).toMatchObject({ orgId: o.org.id, role: 'learner' });
    const listed = (await o.owner.agent.get(`${o.base}/members?groupId=${group.id}`)).data.items;
    expect(listed.map((m: { email: unknown }) => m.email)).toEqual([email]);
    expect(listed[0].source).toBe('managed');
  });

  it('refuses an address that already has an account (it must accept an invitation) or is already a member', async () => {
    const o = await orgWithOwner(t);
    const member = await addMember(t, o.org.id, 'learner');
    const dup = await o.owner.agent.post(`${o.base}/members`, { email: member.email, name: 'X' });
    expect(dup.statusCode).toBe(409);
    expect(dup.data.error.code).toBe('already_member');
    const other = await orgWithOwner(t);
    const res = await other.owner.agent.post(`${other.base}/members`, { email: member.email, name: 'X' });
    expect(res.data.error.code).toBe('account_exists');
  });

  it('lets a full manager create learners but not admins', async () => {
    const o = await orgWithOwner(t);
    const manager = await addMember(t, o.org.id, 'manager_full');
    expect((await manager.agent.post(`${o.base}/members`, { email: `l-${uid()}@example.com`, name: 'L' })).statusCode).toBe(201);
    expect((await manager.agent.post(`${o.base}/members`, { email: `a-${uid()}@example.com`, name: 'A', role: 'admin' })).statusCode).toBe(
      403,
    );
  });
});

describe('roles and archiving', () => {
  it('changes a role with an audit event, and keeps at least one owner', async () => {
    const o = await orgWithOwner(t);
    const m = await addMember(t, o.org.id, 'learner');
    expectStatus(await o.owner.agent.patch(`${o.base}/members/${m.id}`, { role: 'manager_limited' }), 200);
    const last = await o.owner.agent.patch(`${o.base}/members/${o.owner.id}`, { role: 'admin' });
    expect(last.statusCode).toBe(409);
    expect(last.data.error.code).toBe('last_owner');
    const events = (await o.owner.agent.get(`${o.base}/audit-events?action=member.role_changed`)).data.items;
    expect(events[0].data).toEqual({ from: 'learner', to: 'manager_limited' });
  });

  it('archives a member (ending their sessions; they no longer see the organization) and restores them', async () => {
    const o = await orgWithOwner(t);
    const m = await addMember(t, o.org.id, 'learner');
    expectStatus(await o.owner.agent.post(`${o.base}/members/${m.id}/archive`), 200);
    expect((await m.agent.get('/api/v1/me')).statusCode).toBe(401);
    const again = new Agent(t.app);
    await again.post('/api/v1/auth/login', { email: m.email, password: PASSWORD });
    expect((await again.get('/api/v1/me')).data.memberships).toEqual([]);
    expect((await again.get(`${o.base}`)).statusCode).toBe(404);
    expect(
      (await o.owner.agent.get(`${o.base}/members?status=archived`)).data.items.map((r: { accountId: unknown }) => r.accountId),
    ).toEqual([m.id]);
    expectStatus(await o.owner.agent.post(`${o.base}/members/${m.id}/restore`), 200);
    expect((await again.get('/api/v1/me')).data.memberships).toHaveLength(1);
  });

  it('applies bulk actions in one go and says how many changed', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Bulk');
    const a = await addMember(t, o.org.id, 'learner');
    const b = await addMember(t, o.org.id, 'learner');
    const add = expectStatus(
      await o.owner.agent.post(`${o.base}/members/bulk`, { action: 'add_to_group', accountIds: [a.id, b.id], groupId: group.id }),
      200,
    );
    expect(add.data.affected).toBe(2);
    const archive = expectStatus(
      await o.owner.agent.post(`${o.base}/members/bulk`, { action: 'archive', accountIds: [a.id, b.id, o.owner.id] }),
      422,
    );
    expect(archive.data.error.code).toBe('cannot_archive_self');
    expect((await o.owner.agent.post(`${o.base}/members/bulk`, { action: 'archive', accountIds: [a.id, b.id] })).data.affected).toBe(2);
    expect((await o.owner.agent.post(`${o.base}/members/bulk`, { action: 'add_to_group', accountIds: [a.id] })).statusCode).toBe(422);
  });
});

describe('the members list', () => {
  it('filters by status, role, group and text, pages with a cursor, and counts per status', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Filters');
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await addMember(t, o.org.id, i < 2 ? 'manager_limited' : 'learner'));
    const [manager, , learner] = people;
    await o.addToGroup(group.id, [manager?.id ?? '', learner?.id ?? '']);
    await o.owner.agent.post(`${o.base}/invitations`, {
      emails: ['pending-one@example.com', 'pending-two@example.com'],
      groupIds: [group.id],
    });
    const all: { id: string }[] = [];
    let cursor: string | null = null;
    do {
      const res = await o.owner.agent.get(`${o.base}/members?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...res.data.items);
      cursor = res.data.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(8);
    expect(new Set(all.map((r) => r.id)).size).toBe(8);
    expect((await o.owner.agent.get(`${o.base}/members?role=manager_limited`)).data.items).toHaveLength(2);
    expect((await o.owner.agent.get(`${o.base}/members?role=owner,manager_limited`)).data.items).toHaveLength(3);
    const inGroup = (await o.owner.agent.get(`${o.base}/members?groupId=${group.id}`)).data.items;
    expect(inGroup).toHaveLength(4);
    expect((await o.owner.agent.get(`${o.base}/members?q=pending-one`)).data.items).toEqual([
      expect.objectContaining({ email: 'pending-one@example.com', status: 'prospect', name: null }),
    ]);
    expect((await o.owner.agent.get(`${o.base}/members/counts`)).data).toEqual({
      prospect: 2,
      pending: 0,
      active: 6,
      declined: 0,
      cancelled: 0,
      expired: 0,
      archived: 0,
    });
    await t.drain();
    expect((await o.owner.agent.get(`${o.base}/members/counts?groupId=${group.id}`)).data).toMatchObject({ pending: 2, active: 2 });
  });

  it('answers 404 for another organization and 403 for a learner', async () => {
    const o = await orgWithOwner(t);
    const other = await orgWithOwner(t);
    expect((await other.owner.agent.get(`${o.base}/members`)).statusCode).toBe(404);
    const learner = await addMember(t, o.org.id, 'learner');
    expect((await learner.agent.get(`${o.base}/members`)).statusCode).toBe(403);
    const [count] = await queryRows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM memberships WHERE org_id = ${o.org.id}`);
    expect(count?.n).toBe(2);
  });
});
