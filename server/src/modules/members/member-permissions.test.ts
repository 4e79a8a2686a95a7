import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../../test/factories.js';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

// Who may do what to whom, over HTTP on one organization with one account per role (actors) and
// one member per role (targets). The expectations come from the two small tables below, written
// by hand: never from the code under test.

const ROLES = ['owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest'] as const;
type Role = (typeof ROLES)[number];
const BELOW_ADMIN: Role[] = ['manager_full', 'manager_limited', 'learner', 'guest'];
const BELOW_MANAGER: Role[] = ['manager_limited', 'learner', 'guest'];

/** Members each role may change, archive or restore: strictly below its own, owners anyone. */
const MAY_MANAGE: Record<Role, Role[]> = {
  owner: [...ROLES],
  admin: BELOW_ADMIN,
  manager_full: BELOW_MANAGER,
  manager_limited: [],
  learner: [],
  guest: [],
};
/** Roles each role may give. */
const MAY_GIVE: Record<Role, Role[]> = {
  owner: [...ROLES],
  admin: ['admin', ...BELOW_ADMIN],
  manager_full: BELOW_MANAGER,
  manager_limited: [],
  learner: [],
  guest: [],
};

type Person = Awaited<ReturnType<typeof addMember>>;
let t: TestApp;
let o: Awaited<ReturnType<typeof orgWithOwner>>;
let groupId: string;
const actors = {} as Record<Role, Person>;
const targets = {} as Record<Role, { id: string }>;

beforeAll(async () => {
  t = await createTestApp();
  o = await orgWithOwner(t);
  groupId = (await o.group('Everyone')).id;
  actors.owner = o.owner;
  for (const role of ROLES) {
    if (role !== 'owner') actors[role] = await addMember(t, o.org.id, role);
    // Targets never sign in: straight in the database, so the set-up stays short.
    const [id] = await seedMembers(t, o.org.id, 1, role);
    targets[role] = { id };
  }
});
afterAll(() => t.close());

/** Puts a target back in a known state before each cell. */
async function reset(target: Role, status: 'active' | 'archived') {
  await t.ctx.db.execute(
    sql`UPDATE memberships SET role = ${target}, status = ${status}, archived_at = ${status === 'archived' ? sql`now()` : null}
        WHERE org_id = ${o.org.id} AND account_id = ${targets[target].id}`,
  );
}
async function stateOf(target: Role) {
  const res = await t.ctx.database.query<{ role: string; status: string }>(
    'SELECT role, status FROM memberships WHERE org_id = $1 AND account_id = $2',
    [o.org.id, targets[target].id],
  );
  return res.rows[0];
}

describe('actor role × target role × action', () => {
  it('changes a role only below the actor (owners: anyone) and only to a role the actor may give', async () => {
    const wrong: string[] = [];
    for (const actor of ROLES)
      for (const target of ROLES)
        for (const to of ROLES) {
          await reset(target, 'active');
          const res = await actors[actor].agent.patch(`${o.base}/members/${targets[target].id}`, { role: to });
          const allowed = MAY_MANAGE[actor].includes(target) && MAY_GIVE[actor].includes(to);
          const after = await stateOf(target);
          const ok = allowed ? res.statusCode === 200 && after?.role === to : res.statusCode === 403 && after?.role === target;
          if (!ok) wrong.push(`${actor} sets ${target} to ${to}: ${res.statusCode}, now ${after?.role} (expected ${allowed ? 200 : 403})`);
        }
    expect(wrong).toEqual([]);
  });

  it('archives and restores only members below the actor (owners: anyone), one at a time or in bulk', async () => {
    const wrong: string[] = [];
    for (const actor of ROLES)
      for (const target of ROLES) {
        const allowed = MAY_MANAGE[actor].includes(target);
        for (const [action, from, to] of [
          ['archive', 'active', 'archived'],
          ['restore', 'archived', 'active'],
        ] as const) {
          for (const bulk of [false, true]) {
            await reset(target, from);
            const res = bulk
              ? await actors[actor].agent.post(`${o.base}/members/bulk`, { action, accountIds: [targets[target].id] })
              : await actors[actor].agent.post(`${o.base}/members/${targets[target].id}/${action}`);
            const after = await stateOf(target);
            const ok = allowed
              ? res.statusCode === 200 && res.data.affected === 1 && after?.status === to
              : res.statusCode === 403 && after?.status === from;
            if (!ok)
              wrong.push(
                `${actor} ${bulk ? 'bulk-' : ''}${action}s ${target}: ${res.statusCode}, now ${after?.status} (expected ${allowed ? 200 : 403})`,
              );
          }
        }
        await reset(target, 'active');
      }
    expect(wrong).toEqual([]);
  });

  it('invites with a role only when the actor may give it, and /me lists exactly those roles', async () => {
    const wrong: string[] = [];
    for (const actor of ROLES) {
      const me = await actors[actor].agent.get('/api/v1/me');
      const membership = me.data.memberships.find((m: { orgId: string }) => m.orgId === o.org.id);
      expect(membership.grantableRoles, actor).toEqual(MAY_GIVE[actor]);
      for (const role of ROLES) {
        const res = await actors[actor].agent.post(`${o.base}/invitations`, {
          emails: [`i-${uid()}@example.com`],
          groupIds: [groupId],
          role,
        });
        const expected = MAY_GIVE[actor].includes(role) ? 201 : 403;
        if (res.statusCode !== expected) wrong.push(`${actor} invites as ${role}: ${res.statusCode} (expected ${expected})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('an import gives only the roles its author may give (never owner)', async () => {
    const text = `email,role,groups\n${['admin', 'manager_full', 'manager_limited', 'learner'].map((r) => `${r}-${uid()}@example.com,${r},Everyone`).join('\n')}\n`;
    const refused = async (actor: Role) => {
      const res = expectStatus(await actors[actor].agent.post(`${o.base}/imports`, { text }), 201);
      return (res.data.rows as { role: string; messages: { code: string }[] }[])
        .filter((r) => r.messages.some((m) => m.code === 'role_not_allowed'))
        .map((r) => r.role);
    };
    expect(await refused('manager_full')).toEqual(['admin', 'manager_full']);
    expect(await refused('admin')).toEqual([]);
  });

  it('a bulk archive stops at a member the actor may not manage, changing nobody', async () => {
    await reset('admin', 'active');
    await reset('learner', 'active');
    const res = expectStatus(
      await actors.manager_full.agent.post(`${o.base}/members/bulk`, {
        action: 'archive',
        accountIds: [targets.learner.id, targets.admin.id],
      }),
      403,
    );
    expect(res.data.error.details.accountIds).toEqual([targets.admin.id]);
    expect((await stateOf('learner'))?.status).toBe('active');
    expect((await stateOf('admin'))?.status).toBe('active');
  });
});

describe("another organization's members", () => {
  it('answers 404 to archive, restore and role change, and a bulk archive naming one changes nobody', async () => {
    const other = await orgWithOwner(t);
    const stranger = await addMember(t, other.org.id, 'learner');
    for (const action of ['archive', 'restore']) expectStatus(await o.owner.agent.post(`${o.base}/members/${stranger.id}/${action}`), 404);
    expectStatus(await o.owner.agent.patch(`${o.base}/members/${stranger.id}`, { role: 'guest' }), 404);
    await reset('learner', 'active');
    const bulk = expectStatus(
      await o.owner.agent.post(`${o.base}/members/bulk`, { action: 'archive', accountIds: [targets.learner.id, stranger.id] }),
      404,
    );
    expect(bulk.data.error.details.accountIds).toEqual([stranger.id]);
    expect((await stateOf('learner'))?.status).toBe('active');
    const strangerState = await t.ctx.database.query<{ status: string }>(
      'SELECT status FROM memberships WHERE org_id = $1 AND account_id = $2',
      [other.org.id, stranger.id],
    );
    expect(strangerState.rows[0]?.status).toBe('active');
  });
});
