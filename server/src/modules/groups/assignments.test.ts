import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner, seedMembers, setMembershipStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;

/** Sets a learner's progress straight in the database (the learner API is tested in enrolments). */
async function setProgress(accountId: string, sessionId: string, percent: number) {
  await t.ctx.db.execute(
    sql`UPDATE enrolments SET percent = ${percent}, started_at = now() WHERE account_id = ${accountId} AND session_id = ${sessionId}`,
  );
}

describe('attaching a session to a group', () => {
  it('enrols the members of the group and of its sub-groups at any depth, once each', async () => {
    const o = await orgWithOwner(t);
    const top = await o.group('Top');
    const mid = await o.group('Mid', { parentId: top.id });
    const leaf = await o.group('Leaf', { parentId: mid.id });
    const elsewhere = await o.group('Elsewhere');
    const [a, b, c, d] = await seedMembers(t, o.org.id, 4);
    await o.addToGroup(top.id, [a]);
    await o.addToGroup(mid.id, [b]);
    await o.addToGroup(leaf.id, [c, a]); // a is reached twice
    await o.addToGroup(elsewhere.id, [d]);
    const p = await o.program();
    const s = await o.session(p.id);
    const attached = await o.attach(top.id, s.id);
    expect(attached).toMatchObject({ groupId: top.id, sessionId: s.id, programId: p.id, status: 'ongoing', enrolled: 3 });
    const e = await o.enrolments();
    expect([...e.keys()].sort()).toEqual([a, b, c].map((x) => `${x}:${s.id}`).sort());

    // Attaching the same session to a sub-group adds no second enrolment.
    expect((await o.attach(leaf.id, s.id)).enrolled).toBe(0);
    expect((await o.owner.agent.post(`${o.base}/groups/${top.id}/assignments`, { sessionId: s.id })).data.error.code).toBe(
      'already_assigned',
    );
    expect((await o.enrolments()).size).toBe(3);
    const list = await o.owner.agent.get(`${o.base}/groups/${top.id}/assignments`);
    expect(list.data.items).toEqual([expect.objectContaining({ sessionId: s.id, programTitle: p.title, status: 'ongoing' })]);
  });

  it('does not enrol archived members, and refuses another organization’s session (422 naming sessionId)', async () => {
    const o = await orgWithOwner(t);
    const other = await orgWithOwner(t);
    const g = await o.group('G');
    const [active, archived] = await seedMembers(t, o.org.id, 2);
    await o.addToGroup(g.id, [active, archived]);
    await setMembershipStatus(t, o.org.id, archived, 'archived');
    const s = await o.session((await o.program()).id);
    expect((await o.attach(g.id, s.id)).enrolled).toBe(1);
    const foreign = await other.session((await other.program()).id);
    const res = await o.owner.agent.post(`${o.base}/groups/${g.id}/assignments`, { sessionId: foreign.id });
    expect(res.statusCode).toBe(422);
    expect(res.data.error.details.fields.sessionId).toBeTruthy();
  });

  it('enrols 5,000 members in one set-based statement', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Crowd');
    const sub = await o.group('Sub', { parentId: g.id });
    const ids = await seedMembers(t, o.org.id, 5_000);
    await o.addToGroup(g.id, ids.slice(0, 4_000));
    await o.addToGroup(sub.id, ids.slice(3_000));
    const s = await o.session((await o.program()).id);
    const started = Date.now();
    expect((await o.attach(g.id, s.id)).enrolled).toBe(5_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('detaching removes the not-started enrolments no other group justifies, and keeps started ones', async () => {
    const o = await orgWithOwner(t);
    const [g1, g2] = [await o.group('One'), await o.group('Two')];
    const [onlyOne, both, started] = await seedMembers(t, o.org.id, 3);
    await o.addToGroup(g1.id, [onlyOne, both, started]);
    await o.addToGroup(g2.id, [both]);
    const s = await o.session((await o.program()).id);
    await o.attach(g1.id, s.id);
    await o.attach(g2.id, s.id);
    await setProgress(started, s.id, 10);
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${g1.id}/assignments/${s.id}`), 204);
    expect([...(await o.enrolments()).keys()].sort()).toEqual([`${both}:${s.id}`, `${started}:${s.id}`].sort());
    expect((await o.owner.agent.delete(`${o.base}/groups/${g1.id}/assignments/${s.id}`)).statusCode).toBe(404);
  });
});

describe('consistency', () => {
  it('enrols members who join while the session is being attached (no enrolment lost to the race)', async () => {
    const o = await orgWithOwner(t);
    for (let round = 0; round < 4; round++) {
      const g = await o.group(`Race ${round}`);
      const s = await o.session((await o.program()).id);
      const ids = await seedMembers(t, o.org.id, 300);
      await o.addToGroup(g.id, ids.slice(0, 100));
      await Promise.all([o.attach(g.id, s.id), o.addToGroup(g.id, ids.slice(100))]);
      const [row] = await queryRows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM enrolments WHERE session_id = ${s.id}`);
      expect(row?.n).toBe(300);
    }
  });

  it('removes the enrolments of a deleted account (a trigger stands in for the foreign key)', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('G');
    const s = await o.session((await o.program()).id);
    const [x, y] = await seedMembers(t, o.org.id, 2);
    await o.addToGroup(g.id, [x, y]);
    await o.attach(g.id, s.id);
    await t.ctx.db.execute(sql`DELETE FROM accounts WHERE id = ${x}`);
    expect([...(await o.enrolments()).keys()]).toEqual([`${y}:${s.id}`]);
  });
});

describe('joining and leaving groups', () => {
  it('enrols a new member in the scheduled and ongoing sessions of the group and of its ancestors, not in closed ones', async () => {
    const o = await orgWithOwner(t);
    const top = await o.group('Top');
    const child = await o.group('Child', { parentId: top.id });
    const sibling = await o.group('Sibling');
    const p = await o.program();
    const ongoing = await o.session(p.id, -DAY, 10 * DAY);
    const scheduled = await o.session(p.id, 5 * DAY, null);
    const closed = await o.session(p.id, -10 * DAY, DAY);
    const other = await o.session(p.id);
    expect([ongoing.status, scheduled.status, closed.status]).toEqual(['ongoing', 'scheduled', 'closed']);
    await o.attach(top.id, ongoing.id);
    await o.attach(child.id, scheduled.id);
    await o.attach(child.id, closed.id);
    await o.attach(sibling.id, other.id);
    const [x] = await seedMembers(t, o.org.id, 1);
    await o.addToGroup(child.id, [x]);
    expect([...(await o.enrolments()).keys()].sort()).toEqual([`${x}:${ongoing.id}`, `${x}:${scheduled.id}`].sort());
  });

  it('keeps one enrolment for a learner reached through two groups, until they leave both', async () => {
    const o = await orgWithOwner(t);
    const [g1, g2] = [await o.group('One'), await o.group('Two')];
    const s = await o.session((await o.program()).id);
    await o.attach(g1.id, s.id);
    await o.attach(g2.id, s.id);
    const [x] = await seedMembers(t, o.org.id, 1);
    await o.addToGroup(g1.id, [x]);
    await o.addToGroup(g2.id, [x]);
    expect((await o.enrolments()).size).toBe(1);
    await o.removeFromGroup(g1.id, x);
    expect((await o.enrolments()).has(`${x}:${s.id}`)).toBe(true); // still justified by g2
    await o.removeFromGroup(g2.id, x);
    expect((await o.enrolments()).size).toBe(0);
  });

  it('keeps started and completed enrolments when the learner leaves the group', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('G');
    const p = await o.program();
    const [s1, s2, s3] = [await o.session(p.id), await o.session((await o.program()).id), await o.session((await o.program()).id)];
    for (const s of [s1, s2, s3]) await o.attach(g.id, s.id);
    const [x] = await seedMembers(t, o.org.id, 1);
    await o.addToGroup(g.id, [x]);
    await setProgress(x, s1.id, 40);
    await t.ctx.db.execute(
      sql`UPDATE enrolments SET percent = 100, completed_at = now() WHERE account_id = ${x} AND session_id = ${s2.id}`,
    );
    await o.removeFromGroup(g.id, x);
    const e = await o.enrolments();
    expect(Object.fromEntries(e)).toEqual({ [`${x}:${s1.id}`]: 40, [`${x}:${s2.id}`]: 100 });
  });

  it('carries progress over from another session of the same program', async () => {
    const o = await orgWithOwner(t);
    const [g1, g2] = [await o.group('Spring'), await o.group('Autumn')];
    const p = await o.program();
    const spring = await o.session(p.id, -2 * DAY, 10 * DAY);
    const autumn = await o.session(p.id, 30 * DAY, 10 * DAY);
    const unrelated = await o.session((await o.program()).id);
    await o.attach(g1.id, spring.id);
    const [x, y] = await seedMembers(t, o.org.id, 2);
    await o.addToGroup(g1.id, [x, y]);
    await setProgress(x, spring.id, 65);
    await o.addToGroup(g2.id, [x, y]);
    await o.attach(g2.id, autumn.id); // by attachment
    await o.attach(g2.id, unrelated.id);
    const e = await o.enrolments();
    expect(e.get(`${x}:${autumn.id}`)).toBe(65);
    expect(e.get(`${y}:${autumn.id}`)).toBe(0);
    expect(e.get(`${x}:${unrelated.id}`)).toBe(0);
    // …and by joining: a completed program stays completed in the next session.
    await t.ctx.db.execute(
      sql`UPDATE enrolments SET percent = 100, completed_at = now() WHERE account_id = ${y} AND session_id = ${spring.id}`,
    );
    const g3 = await o.group('Winter');
    const winter = await o.session(p.id, 60 * DAY, DAY);
    await o.attach(g3.id, winter.id);
    await o.addToGroup(g3.id, [y]);
    const [row] = await queryRows<{ percent: number; completed_at: string | null }>(
      t.ctx.db,
      sql`SELECT percent, completed_at FROM enrolments WHERE account_id = ${y} AND session_id = ${winter.id}`,
    );
    expect(row?.percent).toBe(100);
    expect(row?.completed_at).not.toBeNull();
  });

  it('re-applies the rule when a group moves: new ancestors’ sessions join, the old ones’ not-started go', async () => {
    const o = await orgWithOwner(t);
    const [oldParent, newParent] = [await o.group('Old'), await o.group('New')];
    const moved = await o.group('Moved', { parentId: oldParent.id });
    const below = await o.group('Below', { parentId: moved.id });
    const [sOld, sNew, sKept] = [
      await o.session((await o.program()).id),
      await o.session((await o.program()).id),
      await o.session((await o.program()).id),
    ];
    await o.attach(oldParent.id, sOld.id);
    await o.attach(newParent.id, sNew.id);
    await o.attach(oldParent.id, sKept.id);
    const [x, y] = await seedMembers(t, o.org.id, 2);
    await o.addToGroup(below.id, [x, y]);
    await setProgress(y, sKept.id, 5);
    expectStatus(await o.owner.agent.patch(`${o.base}/groups/${moved.id}`, { parentId: newParent.id }), 200);
    expect([...(await o.enrolments()).keys()].sort()).toEqual([`${x}:${sNew.id}`, `${y}:${sNew.id}`, `${y}:${sKept.id}`].sort());
  });

  it('deleting a group drops its members’ not-started enrolments that nothing else justifies', async () => {
    const o = await orgWithOwner(t);
    const [g, keep] = [await o.group('Doomed'), await o.group('Keep')];
    const s = await o.session((await o.program()).id);
    await o.attach(g.id, s.id);
    await o.attach(keep.id, s.id);
    const [x, y] = await seedMembers(t, o.org.id, 2);
    await o.addToGroup(g.id, [x, y]);
    await o.addToGroup(keep.id, [y]);
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${g.id}`), 204);
    expect([...(await o.enrolments()).keys()]).toEqual([`${y}:${s.id}`]);
  });
});
