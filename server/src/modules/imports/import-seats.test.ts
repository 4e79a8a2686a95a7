import { afterAll, beforeAll, expect, it } from 'vitest';
import { addMember } from '../../../test/factories.js';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

// Seats (issue 16) in an import: the rows beyond the free seats are skipped, in line order, with the
// reason shown on the row; the rest of the file goes in. Staff take no seat.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Row = { email: string; result: string | null; resultReason: string | null };

async function importAndApply(o: Awaited<ReturnType<typeof orgWithOwner>>, text: string) {
  const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'create' }), 201);
  expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, {}), 202);
  await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
  const done = expectStatus(await o.owner.agent.get(`${o.base}/imports/${prev.data.id}`), 200).data;
  const rows = expectStatus(await o.owner.agent.get(`${o.base}/imports/${prev.data.id}/rows`), 200).data.items as Row[];
  return { result: done.result, byEmail: (email: string) => rows.find((r) => r.email === email) };
}

it("skips the rows beyond a limited group's free seats, whole, and lets staff and other groups' rows in", async () => {
  const o = await orgWithOwner(t);
  const small = await o.group('Small');
  const open = await o.group('Open');
  expectStatus(await o.owner.agent.patch(`${o.base}/groups/${small.id}`, { seatLimit: 3 }), 200);
  const [inside] = await seedMembers(t, o.org.id, 1, 'learner');
  await o.addToGroup(small.id, [inside]);
  const member = await addMember(t, o.org.id, 'learner');
  const u = uid();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => `${x}-${u}@example.com`);
  const text = [
    'email,first name,last name,groups,role',
    `${a},Ada,A,Small,learner`, // seat 2
    `${member.email},Mem,Ber,Small,learner`, // seat 3: an active member added to the group
    `${b},Bo,B,Small;Open,learner`, // no seat left: skipped, and not put in Open either
    `${c},Cy,C,Small,admin`, // staff take no seat
    `${d},Di,D,Open,learner`,
  ].join('\n');
  const done = await importAndApply(o, text);
  expect(done.result).toMatchObject({ created: 3, addedToGroups: 1, skipped: 1 });
  expect(done.byEmail(b!)).toMatchObject({ result: 'skipped', resultReason: 'group_seats_full' });
  expect(done.byEmail(member.email)).toMatchObject({ result: 'added_to_groups' });
  expect(expectStatus(await o.owner.agent.get(`${o.base}/groups/${small.id}`), 200).data).toMatchObject({ seatLimit: 3, seatsUsed: 3 });
  const inOpen = (await o.owner.agent.get(`${o.base}/members?groupId=${open.id}`)).data.items as { email: string }[];
  expect(inOpen.map((m) => m.email)).toEqual([d]);
  expect((await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(b!)}`)).data.items).toEqual([]);
});

it("skips the rows beyond the organization's free seats, in line order", async () => {
  const o = await orgWithOwner(t);
  await seedMembers(t, o.org.id, 2, 'learner');
  expectStatus(await o.owner.agent.patch(o.base, { seatLimit: 3 }), 200);
  const u = uid();
  const [a, b, c] = ['a', 'b', 'c'].map((x) => `${x}-${u}@example.com`);
  const text = ['email,first name,last name,role', `${a},Ada,A,learner`, `${b},Bo,B,learner`, `${c},Cy,C,admin`].join('\n');
  const done = await importAndApply(o, text);
  expect(done.result).toMatchObject({ created: 2, skipped: 1 });
  expect(done.byEmail(b!)).toMatchObject({ result: 'skipped', resultReason: 'seats_full' });
  expect(done.byEmail(c!)).toMatchObject({ result: 'created' });
});

it('leaves a file alone when its groups have no limit, even if another group is full', async () => {
  const o = await orgWithOwner(t);
  const full = await o.group('Full');
  const other = await o.group('Other');
  expectStatus(await o.owner.agent.patch(`${o.base}/groups/${full.id}`, { seatLimit: 1 }), 200);
  await o.addToGroup(full.id, await seedMembers(t, o.org.id, 1, 'learner'));
  const u = uid();
  const text = ['email,first name,last name,groups', `a-${u}@example.com,Ada,A,Other`, `b-${u}@example.com,Bo,B,Other`].join('\n');
  const done = await importAndApply(o, text);
  expect(done.result).toMatchObject({ created: 2, skipped: 0 });
  expect((await o.owner.agent.get(`${o.base}/members?groupId=${other.id}`)).data.items).toHaveLength(2);
});
