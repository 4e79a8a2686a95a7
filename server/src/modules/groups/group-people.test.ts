import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addAccountsToGroups, existingGroupIds, removeAccountsFromGroup } from './group-membership.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('group members', () => {
  it('adds members of the organization, lists them, counts them and removes one; they stay in the organization', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Team');
    const [x, y] = [await o.learner(), await o.learner()];
    expect((await o.addToGroup(g.id, [x.id, y.id])).added).toBe(2);
    expect((await o.addToGroup(g.id, [x.id])).added).toBe(0); // idempotent
    const list = expectStatus(await o.owner.agent.get(`${o.base}/groups/${g.id}/members`), 200);
    expect(list.data.items.map((m: { accountId: unknown }) => m.accountId).sort()).toEqual([x.id, y.id].sort());
    expect(list.data.items[0]).toMatchObject({ role: 'learner', status: 'active' });
    expect((await o.owner.agent.get(`${o.base}/groups/${g.id}`)).data.memberCount).toBe(2);
    await o.removeFromGroup(g.id, x.id);
    expect((await o.owner.agent.delete(`${o.base}/groups/${g.id}/members/${x.id}`)).statusCode).toBe(404);
    expect((await o.owner.agent.get(`${o.base}/groups/${g.id}`)).data.memberCount).toBe(1);
    expect((await x.agent.get('/api/v1/me')).data.memberships.map((m: { orgId: unknown }) => m.orgId)).toContain(o.org.id);
    const audit = await o.owner.agent.get(`${o.base}/audit-events?limit=5`);
    expect(audit.data.items.map((e: { action: unknown }) => e.action)).toEqual(
      expect.arrayContaining(['group.members_added', 'group.member_removed']),
    );
  });

  it('refuses, all or nothing, ids that are not active members of the organization (422 listing them)', async () => {
    const o = await orgWithOwner(t);
    const other = await orgWithOwner(t);
    const g = await o.group('Team');
    const member = await o.learner();
    const stranger = randomUUID();
    const res = await o.owner.agent.post(`${o.base}/groups/${g.id}/members`, { accountIds: [member.id, other.owner.id, stranger] });
    expect(res.statusCode).toBe(422);
    expect(res.data.error.code).toBe('not_members');
    expect(res.data.error.details.accountIds.sort()).toEqual([other.owner.id, stranger].sort());
    expect(res.data.error.details.fields.accountIds).toBeTruthy();
    expect((await o.owner.agent.get(`${o.base}/groups/${g.id}`)).data.memberCount).toBe(0);
  });

  it('accepts up to 10,000 ids in one call and refuses more', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Big');
    const ids = await seedMembers(t, o.org.id, 10_000);
    const started = Date.now();
    expect((await o.addToGroup(g.id, ids)).added).toBe(10_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    const tooMany = await o.owner.agent.post(`${o.base}/groups/${g.id}/members`, { accountIds: [...ids, randomUUID()] });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.data.error.details.fields.accountIds).toBeTruthy();
    const page1 = await o.owner.agent.get(`${o.base}/groups/${g.id}/members?limit=500`);
    expect(page1.data.items).toHaveLength(500);
    const page2 = await o.owner.agent.get(`${o.base}/groups/${g.id}/members?limit=500&cursor=${page1.data.nextCursor}`);
    expect(page2.data.items[0].name > page1.data.items[499].name).toBe(true);
  });
});

describe('group observers', () => {
  it('adds staff as observers, shows them on the group, refuses learners (422 not_staff) and removes one', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Observed');
    const manager = await o.learner('manager_full');
    const limited = await o.learner('manager_limited');
    const learner = await o.learner();
    expect(
      (await o.owner.agent.post(`${o.base}/groups/${g.id}/observers`, { accountIds: [manager.id, limited.id, o.owner.id] })).data.added,
    ).toBe(3);
    const refused = await o.owner.agent.post(`${o.base}/groups/${g.id}/observers`, { accountIds: [learner.id] });
    expect(refused.statusCode).toBe(422);
    expect(refused.data.error).toMatchObject({ code: 'not_staff', details: { accountIds: [learner.id] } });
    const detail = await o.owner.agent.get(`${o.base}/groups/${g.id}`);
    expect(detail.data.observers.map((x: { id: unknown }) => x.id).sort()).toEqual([manager.id, limited.id, o.owner.id].sort());
    expect(detail.data.memberCount).toBe(0); // observers are not members
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${g.id}/observers/${limited.id}`), 204);
    const list = await o.owner.agent.get(`${o.base}/groups/${g.id}/observers`);
    expect(list.data.items.map((x: { accountId: unknown }) => x.accountId).sort()).toEqual([manager.id, o.owner.id].sort());
  });
});

describe('group-membership exports (for invitations, imports, members)', () => {
  it('adds accounts to several groups at once, idempotently, ignoring non-members and unknown groups; removes them', async () => {
    const o = await orgWithOwner(t);
    const other = await orgWithOwner(t);
    const [g1, g2] = [await o.group('One'), await o.group('Two')];
    const foreignGroup = await other.group('Foreign');
    const ids = await seedMembers(t, o.org.id, 3);
    const outsiders = await seedMembers(t, other.org.id, 1);
    const now = t.clock.now();
    const added = await t.ctx.db.transaction((tx) =>
      addAccountsToGroups(tx, {
        orgId: o.org.id,
        groupIds: [g1.id, g2.id, foreignGroup.id],
        accountIds: [...ids, ...outsiders],
        now,
        jobs: t.ctx.jobs,
      }),
    );
    expect(added).toBe(6);
    expect(
      await t.ctx.db.transaction((tx) =>
        addAccountsToGroups(tx, { orgId: o.org.id, groupIds: [g1.id], accountIds: ids, now, jobs: t.ctx.jobs }),
      ),
    ).toBe(0);
    expect((await existingGroupIds(t.ctx.db, o.org.id, [g1.id, foreignGroup.id, randomUUID(), 'not-a-uuid'])).sort()).toEqual([g1.id]);
    expect(
      await t.ctx.db.transaction((tx) =>
        removeAccountsFromGroup(tx, { orgId: o.org.id, groupId: g1.id, accountIds: [ids[0], outsiders[0]] }),
      ),
    ).toBe(1);
    expect((await o.owner.agent.get(`${o.base}/groups/${g1.id}`)).data.memberCount).toBe(2);
    expect((await other.owner.agent.get(`${other.base}/groups/${foreignGroup.id}`)).data.memberCount).toBe(0);
  });
});
