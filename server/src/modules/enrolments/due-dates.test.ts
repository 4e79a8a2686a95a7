import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { sendDueReminders } from './due-reminders.service.js';

// Due dates relative to enrolment (issue 15): each enrolment is due N days after it was made; late
// means past one's own due date; reminders reach the learner once per kind.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;
type Org = Awaited<ReturnType<typeof orgWithOwner>>;

async function dueSession(o: Org, body: Record<string, unknown>) {
  const program = await o.program('Safety');
  const opens = new Date(t.clock.now().getTime() - DAY).toISOString();
  const closes = new Date(t.clock.now().getTime() + 90 * DAY).toISOString();
  const res = expectStatus(
    await o.owner.agent.post(`${o.base}/programs/${program.id}/sessions`, { opensAt: opens, closesAt: closes, ...body }),
    201,
  );
  return { program, session: res.data };
}

const mailsTo = async (email: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(email)}` })).json().items as { subject: string }[];

describe('due dates relative to enrolment', () => {
  it('gives each enrolment its own due date; late people count in the statistics and see it at home', async () => {
    const o = await orgWithOwner(t);
    const team = await o.group('Team');
    const { program, session } = await dueSession(o, { dueDaysAfterEnrolment: 7 });
    expect(session).toMatchObject({ dueDaysAfterEnrolment: 7, remindDaysBefore: null, remindWhenLate: false });
    await o.attach(team.id, session.id);
    const early = await o.learner();
    await o.addToGroup(team.id, [early.id]);
    t.clock.advance(3 * DAY);
    const later = await o.learner();
    await o.addToGroup(team.id, [later.id]);

    const mine = expectStatus(await early.agent.get('/api/v1/me/enrolments'), 200).data.items;
    const own = mine.find((e: { programId: string }) => e.programId === program.id);
    expect(new Date(own.dueAt).getTime()).toBeGreaterThan(t.clock.now().getTime() + 3 * DAY);
    expect(own.late).toBe(false);

    t.clock.advance(5 * DAY); // 8 days after the first enrolment, 5 after the second
    const stats = expectStatus(await o.owner.agent.get(`${o.base}/groups/${team.id}/stats`), 200).data;
    expect(stats.enrolments.late).toBe(1);
    const board = expectStatus(await o.owner.agent.get(`${o.base}/groups/${team.id}/dashboard`), 200).data;
    expect(JSON.stringify(board)).toContain('"late":1');
    const home = expectStatus(await early.agent.get('/api/v1/me/enrolments'), 200).data.items;
    expect(home.find((e: { programId: string }) => e.programId === program.id).late).toBe(true);
    expect(
      expectStatus(await later.agent.get('/api/v1/me/enrolments'), 200).data.items.find(
        (e: { programId: string }) => e.programId === program.id,
      ).late,
    ).toBe(false);

    // 30 days instead of 7: every enrolment's due date moves; nobody is late any more.
    expectStatus(await o.owner.agent.patch(`${o.base}/programs/${program.id}/sessions/${session.id}`, { dueDaysAfterEnrolment: 30 }), 200);
    expect(expectStatus(await o.owner.agent.get(`${o.base}/groups/${team.id}/stats`), 200).data.enrolments.late).toBe(0);
  });

  it('reminds the learner before the due date and when late, once each however often the job runs', async () => {
    const o = await orgWithOwner(t);
    const team = await o.group('Team');
    const { session } = await dueSession(o, { dueDaysAfterEnrolment: 10, remindDaysBefore: 2, remindWhenLate: true });
    await o.attach(team.id, session.id);
    const learner = await o.learner();
    await o.addToGroup(team.id, [learner.id]);
    const before = (await mailsTo(learner.email)).length;

    await sendDueReminders(t.ctx);
    await t.drain();
    expect((await mailsTo(learner.email)).length).toBe(before); // not yet

    t.clock.advance(9 * DAY);
    await Promise.all([sendDueReminders(t.ctx), sendDueReminders(t.ctx)]);
    await sendDueReminders(t.ctx);
    await t.drain();
    const soon = await mailsTo(learner.email);
    expect(soon.length).toBe(before + 1);
    expect(soon[0]?.subject).toContain('is due on');

    t.clock.advance(2 * DAY);
    await sendDueReminders(t.ctx);
    await sendDueReminders(t.ctx);
    await t.drain();
    const late = await mailsTo(learner.email);
    expect(late.length).toBe(before + 2);
    expect(late.filter((m) => m.subject.includes('was due on'))).toHaveLength(1);
  });
});
