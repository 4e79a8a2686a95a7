import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../../test/factories.js';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { weekOf } from './digest.service.js';

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
  }[];
  return items.filter((m) => m.subject.endsWith('this week')); // the digests, not the sign-up emails
};

describe('weekly digests to observers', () => {
  it('tells each observer who never signed in and who is late in their groups, once a week', async () => {
    const o = await orgWithOwner(t);
    const sales = await o.group('Sales');
    const quiet = await o.group('Quiet'); // observed, but nobody in it
    const observer = await o.learner('manager_limited');
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${sales.id}/observers`, { accountIds: [observer.id] }), 200);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${quiet.id}/observers`, { accountIds: [observer.id] }), 200);
    const active = await o.learner();
    const [never] = await seedMembers(t, o.org.id, 1);
    await o.addToGroup(sales.id, [active.id, never]);
    const safety = await o.session((await o.program('Safety')).id, -HOUR, 2 * HOUR);
    await o.attach(sales.id, safety.id);
    t.clock.advance(2 * HOUR); // the session closed: both are late

    await runDigest(o.org.id);
    const mail = await lastMail(t, observer.email);
    expect(mail?.subject).toBe(`Your groups in ${o.org.name} this week`);
    expect(mail?.text).toContain('Sales — 2 active members, 1 never signed in, 2 late, 0 completions.');
    expect(mail?.text).toContain('Never signed in: Seeded 1.');
    expect(mail?.text).toMatch(/Late in a closed session: .*Seeded 1/);
    expect(mail?.text).toContain('Quiet — 0 active members');
    expect(mail?.link).toBe(`${t.ctx.config.appUrl}/orgs/${o.org.id}/groups`);

    // The job runs again (a retry, another process): still one digest this week.
    await runDigest(o.org.id);
    expect(await digestsTo(observer.email)).toHaveLength(1);
    // Next week, the next one.
    t.clock.advance(7 * 24 * HOUR);
    await runDigest(o.org.id);
    expect(await digestsTo(observer.email)).toHaveLength(2);
  });

  it('sends nothing to an observer whose groups have nobody in them yet', async () => {
    const o = await orgWithOwner(t);
    const empty = await o.group('Empty');
    const observer = await o.learner('manager_full');
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${empty.id}/observers`, { accountIds: [observer.id] }), 200);
    await runDigest(o.org.id);
    expect(await digestsTo(observer.email)).toHaveLength(0);
  });

  it('counts weeks from Monday, in UTC', () => {
    expect(weekOf(new Date('2026-11-22T23:59:00Z'))).toBe('2026-11-16'); // a Sunday
    expect(weekOf(new Date('2026-11-23T00:00:00Z'))).toBe('2026-11-23'); // the Monday after
  });
});
