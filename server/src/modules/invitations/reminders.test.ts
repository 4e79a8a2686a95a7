import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { lastMail, PASSWORD } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;
const runReminders = async () => {
  await t.ctx.jobs.send('invitations.remind', {});
  await t.ctx.jobs.drain(t.ctx, { names: ['invitations.remind'] });
  await t.drain();
};
const mailsTo = async (email: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(email)}` })).json().items as {
    subject: string;
    text: string;
  }[];
const reminders = async (email: string) => (await mailsTo(email)).filter((m) => m.subject.startsWith('Reminder:'));
const linkIn = (text: string) => /\/invitations\/([\w-]+)/.exec(text)?.[1];

async function setup() {
  const o = await orgWithOwner(t);
  const group = await o.group('Sales');
  const invite = async (body: Record<string, unknown> = {}) => {
    const email = `invitee-${uid()}@example.com`;
    const res = expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [group.id], ...body }), 201);
    const first = await lastMail(t, email);
    return { email, id: res.data.items[0].id as string, token: first?.token as string };
  };
  const listed = async (id: string) =>
    (
      (await o.owner.agent.get(`${o.base}/invitations?limit=500`)).data.items as {
        id: string;
        reminded?: { count: number; lastAt: string };
      }[]
    ).find((i) => i.id === id);
  return { o, group, invite, listed };
}

describe('invitation reminders', () => {
  it('reminds a pending invitee after N days with the same link, at most M times, and stops once accepted', async () => {
    const { o, invite, listed } = await setup();
    expectStatus(await o.owner.agent.put(`${o.base}/invitation-reminders`, { enabled: true, afterDays: 3, maxCount: 2 }), 200);
    const ann = await invite();
    const bob = await invite();

    await runReminders();
    expect(await reminders(ann.email)).toHaveLength(0); // not due yet

    t.clock.advance(3 * DAY + 60_000);
    await runReminders();
    await runReminders(); // the job runs twice: still one reminder
    const [first] = await reminders(ann.email);
    expect(await reminders(ann.email)).toHaveLength(1);
    expect(first?.subject).toBe(`Reminder: Owner invited you to ${o.org.name}`);
    expect(linkIn(first?.text ?? '')).toBe(ann.token); // the same link: no new token
    expect(first?.text).toMatch(/invited you to join .* on Troupe on \w+ \d+, \d{4}\./); // when it was first sent
    expect((await listed(ann.id))?.reminded).toEqual({ count: 1, lastAt: t.clock.now().toISOString() });
    // The first link still opens the invitation.
    expect((await new Agent(t.app).get(`/api/v1/invitations/${ann.token}`)).data.state).toBe('open');

    // Bob accepts; Ann does not.
    expectStatus(await new Agent(t.app).post(`/api/v1/invitations/${bob.token}/register`, { name: 'Bob', password: PASSWORD }), 201);
    t.clock.advance(3 * DAY + 60_000);
    await runReminders();
    expect(await reminders(ann.email)).toHaveLength(2);
    expect(await reminders(bob.email)).toHaveLength(1); // the one before accepting, no more
    expect((await listed(ann.id))?.reminded?.count).toBe(2);

    // At most twice.
    t.clock.advance(10 * DAY);
    await runReminders();
    expect(await reminders(ann.email)).toHaveLength(2);
  });

  it('is off until turned on; a batch chooses for itself; cancelled and expired invitations are left alone', async () => {
    const { o, invite } = await setup();
    expect((await o.owner.agent.get(`${o.base}/invitation-reminders`)).data).toEqual({ enabled: false, afterDays: 3, maxCount: 2 });
    const plain = await invite();
    const eager = await invite({ reminders: { enabled: true, afterDays: 1, maxCount: 1 } });
    const cancelled = await invite({ reminders: { enabled: true, afterDays: 1 } });
    expectStatus(await o.owner.agent.post(`${o.base}/invitations/${cancelled.id}/cancel`), 200);
    t.clock.advance(DAY + 60_000);
    await runReminders();
    expect(await reminders(plain.email)).toHaveLength(0);
    expect(await reminders(eager.email)).toHaveLength(1);
    expect(await reminders(cancelled.email)).toHaveLength(0);

    // The organization turns reminders on; a batch turns them off for its own invitations.
    expectStatus(await o.owner.agent.put(`${o.base}/invitation-reminders`, { enabled: true, afterDays: 2, maxCount: 1 }), 200);
    const quiet = await invite({ reminders: { enabled: false } });
    t.clock.advance(2 * DAY + 60_000);
    await runReminders();
    expect(await reminders(plain.email)).toHaveLength(1);
    expect(await reminders(quiet.email)).toHaveLength(0);
    expect(await reminders(eager.email)).toHaveLength(1); // its own maximum: once

    // Expired (the organization's default time to live is passed): nothing.
    t.clock.advance(400 * DAY);
    const before = (await reminders(quiet.email)).length + (await reminders(plain.email)).length;
    await runReminders();
    expect((await reminders(quiet.email)).length + (await reminders(plain.email)).length).toBe(before);
  });

  it('an import chooses its own reminders', async () => {
    const { o } = await setup();
    const email = `imported-${uid()}@example.com`;
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text: `email,groups\n${email},Sales\n` }), 201);
    expectStatus(
      await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, { reminders: { enabled: true, afterDays: 2, maxCount: 1 } }),
      202,
    );
    await t.drain();
    const token = (await lastMail(t, email))?.token;
    t.clock.advance(2 * DAY + 60_000);
    await runReminders();
    const got = await reminders(email);
    expect(got).toHaveLength(1);
    expect(linkIn(got[0]?.text ?? '')).toBe(token);
  });

  it('refuses an interval of 0 days or a negative count, naming the field, and changes nothing', async () => {
    const { o, group } = await setup();
    const zero = await o.owner.agent.put(`${o.base}/invitation-reminders`, { enabled: true, afterDays: 0, maxCount: 2 });
    expect(zero.statusCode).toBe(422);
    expect(Object.keys(zero.data.error.details.fields)).toEqual(['afterDays']);
    const negative = await o.owner.agent.put(`${o.base}/invitation-reminders`, { enabled: true, afterDays: 3, maxCount: -1 });
    expect(negative.statusCode).toBe(422);
    expect(Object.keys(negative.data.error.details.fields)).toEqual(['maxCount']);
    expectStatus(await o.owner.agent.patch('/api/v1/me', { locale: 'fr' }), 200); // the same, in French
    const fr = await o.owner.agent.put(`${o.base}/invitation-reminders`, { enabled: true, afterDays: 0 });
    expect(fr.data.error.details.fields.afterDays).toBe('Relancez après 1 jour au moins.');
    expect((await o.owner.agent.get(`${o.base}/invitation-reminders`)).data.enabled).toBe(false);
    const email = `x-${uid()}@example.com`;
    const batch = await o.owner.agent.post(`${o.base}/invitations`, {
      emails: [email],
      groupIds: [group.id],
      reminders: { enabled: true, afterDays: 0 },
    });
    expect(batch.statusCode).toBe(422);
    expect(Object.keys(batch.data.error.details.fields)).toEqual(['reminders.afterDays']);
    expect((await o.owner.agent.get(`${o.base}/invitations?q=${email}`)).data.items).toEqual([]);
  });
});
