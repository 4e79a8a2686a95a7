import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { queueEmails } from '../../mail/outbox.js';
import { digestToken } from './digest-links.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const HOUR = 3_600_000;
/** The digest job, for one organization: other test files share the database (PostgreSQL) and run theirs. */
const runDigest = async (orgId: string) => {
  await t.ctx.jobs.send('observers.digest', { orgId });
  await t.ctx.jobs.drain(t.ctx, { names: ['observers.digest'] });
};
const digestsTo = async (email: string) => {
  await t.drain();
  const items = (await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(email)}` })).json().items as {
    subject: string;
    text: string;
  }[];
  return {
    weekly: items.filter((m) => m.subject.endsWith('this week')),
    daily: items.filter((m) => m.subject.endsWith('today')),
  };
};
/** A group with one member and one observer. */
async function observedGroup() {
  const o = await orgWithOwner(t);
  const sales = await o.group('Sales');
  const observer = await o.learner('manager_limited');
  expectStatus(await o.owner.agent.post(`${o.base}/groups/${sales.id}/observers`, { accountIds: [observer.id] }), 200);
  await o.addToGroup(sales.id, [(await o.learner()).id]);
  return { o, sales, observer };
}
/** A request with no cookie at all, as a mail provider makes it. */
const anonymous = (method: 'GET' | 'POST' | 'PUT', url: string, body?: string, contentType?: string) =>
  t.app.inject({ method, url, payload: body, headers: contentType ? { 'content-type': contentType } : {} });

describe('digest preferences', () => {
  it('the digest links to a one-click unsubscribe that works without a session; a forged link is refused', async () => {
    const { o, sales, observer } = await observedGroup();
    await runDigest(o.org.id);
    const mail = await lastMail(t, observer.email);
    expect(mail?.subject).toBe(`Your groups in ${o.org.name} this week`);
    const token = /\/digest\?token=(\S+)/.exec(mail?.text ?? '')?.[1];
    expect(token).toBeTruthy();
    expect(mail?.text).toContain('Get it daily, weekly or not at all:');

    // Forged: another account's id with this signature, or a signature made up.
    const [, orgId, sig] = (token as string).split('.');
    for (const forged of [`${randomUUID()}.${orgId}.${sig}`, `${observer.id}.${orgId}.${'A'.repeat(43)}`]) {
      const res = await anonymous(
        'POST',
        `/api/v1/digest/unsubscribe?token=${forged}`,
        'List-Unsubscribe=One-Click',
        'application/x-www-form-urlencoded',
      );
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('digest_link_invalid');
    }
    expect((await observer.agent.get('/api/v1/me/digest-preferences')).data.items).toEqual([
      { orgId: o.org.id, orgName: o.org.name, groupId: sales.id, groupName: 'Sales', frequency: 'weekly' },
    ]);

    // Opened in a browser: the page that asks; nothing changes.
    const opened = await anonymous('GET', `/api/v1/digest/unsubscribe?token=${token}`);
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe(`${t.ctx.config.appUrl}/digest?token=${token}`);

    // The mail provider's one-click POST (RFC 8058): no cookie, no CSRF token.
    const res = await anonymous(
      'POST',
      `/api/v1/digest/unsubscribe?token=${token}`,
      'List-Unsubscribe=One-Click',
      'application/x-www-form-urlencoded',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ frequency: 'off', groups: 1 });
    expect((await observer.agent.get('/api/v1/me/digest-preferences')).data.items[0].frequency).toBe('off');

    // Next week: nothing.
    t.clock.advance(7 * 24 * HOUR);
    await runDigest(o.org.id);
    expect((await digestsTo(observer.email)).weekly).toHaveLength(1);

    // The page of the link lists the digest's groups and can turn it back on.
    const page = await anonymous('GET', `/api/v1/digest/preferences?token=${token}`);
    expect(page.json().items).toMatchObject([{ groupId: sales.id, frequency: 'off' }]);
    const back = await anonymous(
      'PUT',
      `/api/v1/digest/preferences?token=${token}`,
      JSON.stringify({ frequency: 'weekly' }),
      'application/json',
    );
    expect(back.statusCode).toBe(200);
    expect(back.json().items).toMatchObject([{ groupId: sales.id, frequency: 'weekly' }]);
  });

  it('a daily digest comes once a day, a weekly one once a week, even when the job runs twice', async () => {
    const { o, sales, observer } = await observedGroup();
    const other = await o.group('Support');
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${other.id}/observers`, { accountIds: [observer.id] }), 200);
    await o.addToGroup(other.id, [(await o.learner()).id]);
    // Sales daily (from the account page), Support weekly (the default).
    const set = await observer.agent.put(`/api/v1/me/digest-preferences/${sales.id}`, { frequency: 'daily' });
    expectStatus(set, 200);
    expect(set.data.items.map((i: { groupName: string; frequency: string }) => `${i.groupName}:${i.frequency}`)).toEqual([
      'Sales:daily',
      'Support:weekly',
    ]);

    await runDigest(o.org.id);
    await runDigest(o.org.id); // a retry, another worker
    let got = await digestsTo(observer.email);
    expect(got.daily).toHaveLength(1);
    expect(got.weekly).toHaveLength(1);
    expect(got.daily[0]?.text).toContain('Sales — 1 active member');
    expect(got.daily[0]?.text).not.toContain('Support —');
    expect(got.weekly[0]?.text).toContain('Support — 1 active member');
    expect(got.weekly[0]?.text).not.toContain('Sales —');

    t.clock.advance(24 * HOUR);
    await runDigest(o.org.id);
    got = await digestsTo(observer.email);
    expect(got.daily).toHaveLength(2);
    expect(got.weekly).toHaveLength(1);
  });

  it('only the groups one observes can be set; bad values answer 422', async () => {
    const { o, observer } = await observedGroup();
    const notObserved = await o.group('Elsewhere');
    expectStatus(await observer.agent.put(`/api/v1/me/digest-preferences/${notObserved.id}`, { frequency: 'off' }), 404);
    const bad = await observer.agent.put(`/api/v1/me/digest-preferences/${notObserved.id}`, { frequency: 'hourly' });
    expect(bad.statusCode).toBe(422);
    // Signed in or not, a token for someone else's preferences does not exist without the secret.
    const other = digestToken('another secret', { accountId: observer.id, orgId: o.org.id });
    expect((await anonymous('GET', `/api/v1/digest/preferences?token=${other}`)).statusCode).toBe(404);
  });
});

describe('the digest as it leaves for the SMTP server', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let s: TestApp;
  beforeAll(async () => {
    sink = await startSmtpSink();
    s = await createTestApp({ smtpUrl: sink.url });
  });
  afterAll(async () => {
    await s?.close();
    await sink?.close();
  });

  it('carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)', async () => {
    const prefsToken = digestToken(s.ctx.config.sessionSecret, { accountId: randomUUID(), orgId: randomUUID() });
    const to = `observer-${randomUUID()}@example.com`;
    await s.ctx.db.transaction((tx) =>
      queueEmails(tx, s.ctx.jobs, [
        { to, template: 'observer-digest', params: { orgId: randomUUID(), orgName: 'Acme', groups: [], period: 'weekly', prefsToken } },
      ]),
    );
    await s.drain();
    const got = sink.received.find((m) => m.to.includes(to));
    const head = (got?.head ?? '').replace(/\r?\n(?=[ \t])/g, ''); // unfolded (RFC 5322)
    expect(head).toContain(`List-Unsubscribe: <${s.ctx.config.appUrl}/api/v1/digest/unsubscribe?token=${prefsToken}>`);
    expect(head).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
  });
});
