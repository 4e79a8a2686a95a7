import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { sendObserverNotification } from './posts.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The batching jobs waiting for their window (pg-boss reads the database clock). */
async function pendingJobs(): Promise<number> {
  const { rows } = await t.ctx.database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${t.ctx.config.jobs.schema}.job WHERE name = 'space.notify' AND state = 'created'`,
  );
  return Number(rows[0]?.n ?? 0);
}
/** The window ends: the scheduled jobs become due and run, with the emails they queue. */
async function windowEnds() {
  await t.ctx.database.query(
    `UPDATE ${t.ctx.config.jobs.schema}.job SET start_after = now() WHERE name = 'space.notify' AND state = 'created'`,
  );
  await t.drain();
}
async function spaceMails(email: string) {
  await t.drain();
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(email)}` });
  return (res.json().items as { subject: string; text: string }[]).filter((m) => /new messages? in your groups/.test(m.subject));
}

describe('observers hear of new posts and comments, batched', () => {
  it('sends one email for what came within the window, and another for what came after', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Sales');
    const learner = await o.learner();
    const observer = await o.learner('manager_full');
    await o.addToGroup(group.id, [learner.id]);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${group.id}/observers`, { accountIds: [observer.id] }), 200);
    const posts = `${o.base}/groups/${group.id}/posts`;

    const first = expectStatus(await learner.agent.post(posts, { body: 'Where is the\nsafety checklist?' }), 201).data;
    t.clock.advance(60_000);
    expectStatus(await learner.agent.post(`${posts}/${first.id}/comments`, { body: 'Found it, thanks' }), 201);
    expectStatus(await learner.agent.post(posts, { body: '<b>Second</b> post' }), 201);
    expect(await pendingJobs()).toBe(1); // one window, one job, however many posts
    await t.drain();
    expect(await spaceMails(observer.email)).toHaveLength(0); // not before the window ends

    await windowEnds();
    const [mail, ...rest] = await spaceMails(observer.email);
    expect(rest).toHaveLength(0);
    expect(mail?.subject).toBe(`3 new messages in your groups in ${o.org.name}`);
    expect(mail?.text).toContain('Sales — Test User posted:');
    expect(mail?.text).toContain('“Where is the safety checklist?”');
    expect(mail?.text).toContain('Sales — Test User commented:');
    expect(mail?.text).toContain('“<b>Second</b> post”');
    expect(mail?.text).toContain(`${t.ctx.config.appUrl}/orgs/${o.org.id}/groups/${group.id}?tab=space`);

    // The job runs again (a retry, another worker): nothing is sent twice.
    expect(await sendObserverNotification(t.ctx, { orgId: o.org.id, accountId: observer.id })).toBe(false);
    await windowEnds();
    expect(await spaceMails(observer.email)).toHaveLength(1);

    // A post after the window: a second email, with only what is new.
    t.clock.advance(16 * 60_000);
    expectStatus(await learner.agent.post(posts, { body: 'Third' }), 201);
    await windowEnds();
    const mails = await spaceMails(observer.email);
    expect(mails).toHaveLength(2);
    expect(mails[0]?.subject).toBe(`1 new message in your groups in ${o.org.name}`);
    expect(mails[0]?.text).toContain('“Third”');
    expect(mails[0]?.text).not.toContain('Second');
  });

  it('never emails authors about their own words, nor observers of other groups', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Sales');
    const other = await o.group('Support');
    const both = await o.learner('manager_limited'); // a member who also observes the group
    const observer = await o.learner('manager_full');
    const elsewhere = await o.learner('manager_full');
    await o.addToGroup(group.id, [both.id]);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${group.id}/observers`, { accountIds: [both.id, observer.id] }), 200);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${other.id}/observers`, { accountIds: [elsewhere.id] }), 200);
    expectStatus(await both.agent.post(`${o.base}/groups/${group.id}/posts`, { body: 'My own post' }), 201);
    await windowEnds();
    expect(await spaceMails(both.email)).toHaveLength(0);
    expect(await spaceMails(elsewhere.email)).toHaveLength(0);
    expect(await spaceMails(observer.email)).toHaveLength(1);
  });

  it('leaves out what was deleted before the window ended, and sends nothing when nothing is left', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Sales');
    const learner = await o.learner();
    const observer = await o.learner('manager_full');
    await o.addToGroup(group.id, [learner.id]);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${group.id}/observers`, { accountIds: [observer.id] }), 200);
    const post = expectStatus(await learner.agent.post(`${o.base}/groups/${group.id}/posts`, { body: 'Oops' }), 201).data;
    expectStatus(await learner.agent.delete(`${o.base}/groups/${group.id}/posts/${post.id}`), 204);
    await windowEnds();
    expect(await spaceMails(observer.email)).toHaveLength(0);
  });

  it('writes the email in the observer’s language', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Ventes');
    const learner = await o.learner();
    const observer = await o.learner('manager_full');
    expectStatus(await observer.agent.patch('/api/v1/me', { locale: 'fr' }), 200);
    await o.addToGroup(group.id, [learner.id]);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${group.id}/observers`, { accountIds: [observer.id] }), 200);
    expectStatus(await learner.agent.post(`${o.base}/groups/${group.id}/posts`, { body: 'Bonjour' }), 201);
    await windowEnds();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(observer.email)}` });
    const mail = (res.json().items as { subject: string; text: string }[])[0];
    expect(mail?.subject).toBe(`1 nouveau message dans vos groupes de ${o.org.name}`);
    expect(mail?.text).toContain('Ventes — Test User a publié :');
  });
});

describe('each observer chooses, per group, how to hear of it', () => {
  /** All scheduled batching jobs, the day-long ones too, become due and run. */
  async function allWindowsEnd() {
    await t.ctx.database.query(
      `UPDATE ${t.ctx.config.jobs.schema}.job SET start_after = now() WHERE name = 'space.notify' AND state = 'created'`,
    );
    await t.drain();
  }
  async function scheduled(daily: boolean): Promise<number> {
    const { rows } = await t.ctx.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${t.ctx.config.jobs.schema}.job
        WHERE name = 'space.notify' AND state = 'created' AND coalesce((data->>'daily')::boolean, false) = $1`,
      [daily],
    );
    return Number(rows[0]?.n ?? 0);
  }

  it('every post (batched, the default), a daily summary, or none; only the group’s observers may choose', async () => {
    const o = await orgWithOwner(t);
    const [sales, support] = [await o.group('Sales'), await o.group('Support')];
    const learner = await o.learner();
    const observer = await o.learner('manager_full');
    await o.addToGroup(sales.id, [learner.id]);
    await o.addToGroup(support.id, [learner.id]);
    for (const g of [sales, support])
      expectStatus(await o.owner.agent.post(`${o.base}/groups/${g.id}/observers`, { accountIds: [observer.id] }), 200);
    const setting = (g: { id: string }) => `${o.base}/groups/${g.id}/space-notifications`;
    const posts = (g: { id: string }) => `${o.base}/groups/${g.id}/posts`;

    expect(expectStatus(await observer.agent.get(setting(sales)), 200).data).toEqual({ mode: 'every' });
    expect(expectStatus(await observer.agent.get(posts(sales)), 200).data.notifyMode).toBe('every');
    expect(expectStatus(await learner.agent.get(posts(sales)), 200).data.notifyMode).toBeNull();
    // Not an observer of the group (a member, the owner): nothing to choose.
    expectStatus(await learner.agent.put(setting(sales), { mode: 'none' }), 404);
    expectStatus(await o.owner.agent.put(setting(sales), { mode: 'none' }), 404);
    expect(expectStatus(await observer.agent.put(setting(sales), { mode: 'weekly' }), 422).data.error.details.fields.mode).toBeTruthy();

    // Sales: a daily summary; Support: nothing.
    expect(expectStatus(await observer.agent.put(setting(sales), { mode: 'daily' }), 200).data).toEqual({ mode: 'daily' });
    expectStatus(await observer.agent.put(setting(support), { mode: 'none' }), 200);
    expect(expectStatus(await observer.agent.get(posts(support)), 200).data.notifyMode).toBe('none');
    expectStatus(await learner.agent.post(posts(sales), { body: 'Morning' }), 201);
    t.clock.advance(20 * 60_000); // past the short window: still the same day
    expectStatus(await learner.agent.post(posts(sales), { body: 'Afternoon' }), 201);
    expectStatus(await learner.agent.post(posts(support), { body: 'Nobody hears this' }), 201);
    expect(await scheduled(false)).toBe(0);
    expect(await scheduled(true)).toBe(1); // one day-long window for both Sales posts
    await allWindowsEnd();
    const [daily, ...rest] = await spaceMails(observer.email);
    expect(rest).toHaveLength(0);
    expect(daily?.subject).toBe(`2 new messages in your groups in ${o.org.name}`);
    expect(daily?.text).toContain('Your daily summary');
    expect(daily?.text).toContain('“Morning”');
    expect(daily?.text).toContain('“Afternoon”');
    expect(daily?.text).not.toContain('Nobody hears this');

    // Back to every post: two posts within the window, one email.
    expectStatus(await observer.agent.put(setting(sales), { mode: 'every' }), 200);
    t.clock.advance(25 * 3_600_000);
    expectStatus(await learner.agent.post(posts(sales), { body: 'One' }), 201);
    expectStatus(await learner.agent.post(posts(sales), { body: 'Two' }), 201);
    expect(await scheduled(false)).toBe(1);
    await allWindowsEnd();
    expect(await spaceMails(observer.email)).toHaveLength(2);
    // Removed as an observer: the setting goes with the link.
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${sales.id}/observers/${observer.id}`), 204);
    expectStatus(await observer.agent.get(setting(sales)), 404);
  });

  it('drops what is pending in a group the observer mutes before the window ends', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Sales');
    const learner = await o.learner();
    const observer = await o.learner('manager_full');
    await o.addToGroup(group.id, [learner.id]);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${group.id}/observers`, { accountIds: [observer.id] }), 200);
    expectStatus(await learner.agent.post(`${o.base}/groups/${group.id}/posts`, { body: 'Too late to tell' }), 201);
    expectStatus(await observer.agent.put(`${o.base}/groups/${group.id}/space-notifications`, { mode: 'none' }), 200);
    await allWindowsEnd();
    expect(await spaceMails(observer.email)).toHaveLength(0);
  });
});
