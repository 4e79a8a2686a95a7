import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';

// A limited manager sees the learners of the groups it manages (observes), sub-groups included:
// other groups, their people, invitations and passcodes answer 404 or are left out of lists.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function setup() {
  const o = await orgWithOwner(t);
  const a = await o.group('Alpha');
  const a1 = await o.group('Alpha north', { parentId: a.id });
  const b = await o.group('Beta');
  const inA1 = await o.learner();
  const inB = await o.learner();
  await o.addToGroup(a1.id, [inA1.id]);
  await o.addToGroup(b.id, [inB.id]);
  const session = await o.session((await o.program('Safety')).id);
  await o.attach(a.id, session.id);
  await o.attach(b.id, session.id);
  const invite = async (groupId: string) =>
    expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: [`inv-${uid()}@example.com`], groupIds: [groupId] }), 201).data
      .items[0];
  const invA = await invite(a.id);
  const invB = await invite(b.id);
  const passcode = async (groupId: string) =>
    expectStatus(
      await o.owner.agent.post(`${o.base}/passcode-invitations`, {
        name: `P ${uid()}`,
        passcode: `Code-${uid()}`,
        capacity: 5,
        groupIds: [groupId],
      }),
      201,
    ).data;
  const pcA = await passcode(a.id);
  const pcB = await passcode(b.id);
  const limited = await o.learner('manager_limited');
  expectStatus(await o.owner.agent.post(`${o.base}/groups/${a.id}/observers`, { accountIds: [limited.id] }), 200);
  return { o, a, a1, b, inA1, inB, invA, invB, pcA, pcB, limited, get: (path: string) => limited.agent.get(`${o.base}${path}`) };
}

describe('a limited manager', () => {
  it('sees the groups it manages and their sub-groups; any other group does not exist for it', async () => {
    const s = await setup();
    const names = (await s.get('/groups')).data.items.map((g: { name: unknown }) => g.name).sort();
    expect(names).toEqual(['Alpha', 'Alpha north']);
    expectStatus(await s.get(`/groups/${s.a1.id}`), 200);
    expectStatus(await s.get(`/groups/${s.a1.id}/members`), 200);
    for (const path of [`/groups/${s.b.id}`, `/groups/${s.b.id}/members`, `/groups/${s.b.id}/observers`, `/groups/${s.b.id}/assignments`]) {
      expect((await s.get(path)).statusCode, path).toBe(404);
    }
    // A full manager sees every group.
    const full = await s.o.learner('manager_full');
    expect((await full.agent.get(`${s.o.base}/groups`)).data.items).toHaveLength(3);
  });

  it('sees only the people, invitations, passcodes and enrolments of its groups', async () => {
    const s = await setup();
    const emails = (await s.get('/members?limit=100')).data.items.map((m: { email: unknown }) => m.email);
    expect(emails).toContain(s.inA1.email);
    expect(emails).toContain(s.invA.email);
    expect(emails).not.toContain(s.inB.email);
    expect(emails).not.toContain(s.invB.email);
    const counts = (await s.get('/members/counts')).data;
    expect([counts.active, counts.prospect + counts.pending]).toEqual([1, 1]);
    expect((await s.get(`/members?groupId=${s.b.id}`)).data.items).toEqual([]);

    expect((await s.get('/invitations')).data.items.map((i: { id: unknown }) => i.id)).toEqual([s.invA.id]);
    const byStatus = (await s.get('/invitations/counts')).data;
    expect(Object.values(byStatus).reduce((n: number, x) => n + Number(x), 0)).toBe(1);
    expectStatus(await s.get(`/invitations/${s.invA.id}`), 200);
    expect((await s.get(`/invitations/${s.invB.id}`)).statusCode).toBe(404);
    expect((await s.limited.agent.post(`${s.o.base}/invitations/${s.invB.id}/resend`)).statusCode).toBe(404);
    const bulk = expectStatus(await s.limited.agent.post(`${s.o.base}/invitations/resend`, { invitationIds: [s.invA.id, s.invB.id] }), 200);
    expect(bulk.data).toEqual({ resent: 1, notResent: [s.invB.id] });

    expect((await s.get('/passcode-invitations')).data.items.map((p: { id: unknown }) => p.id)).toEqual([s.pcA.id]);
    expect((await s.get(`/passcode-invitations/${s.pcB.id}`)).statusCode).toBe(404);
    expect((await s.get(`/passcode-invitations/${s.pcB.id}/redemptions`)).statusCode).toBe(404);

    const enrolled = (await s.get('/enrolments')).data.items.map((e: { accountId: unknown }) => e.accountId);
    expect(enrolled).toEqual([s.inA1.id]);
  });

  it('has no access to imports, which hold rows of every group', async () => {
    const s = await setup();
    expect((await s.get('/imports')).statusCode).toBe(403);
    expectStatus(await s.o.owner.agent.get(`${s.o.base}/imports`), 200);
  });
});
