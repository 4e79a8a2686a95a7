import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner, seedMembers, setMembershipStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Sales (with a sub-group) holding people in every state the dashboard counts. */
async function setup() {
  const o = await orgWithOwner(t);
  const g = await o.group('Sales');
  const east = await o.group('Sales east', { parentId: g.id });
  const other = await o.group('Support');
  const signedIn = await o.learner();
  const [never, formula, stale10, stale40, gone, elsewhere] = await seedMembers(t, o.org.id, 6);
  const now = t.clock.now().getTime();
  await t.ctx.db.execute(sql`UPDATE accounts SET name = '=cmd|calc' WHERE id = ${formula}`);
  await t.ctx.db.execute(
    sql`UPDATE accounts SET name = 'Stale ten', last_login_at = ${new Date(now - 10 * DAY).toISOString()} WHERE id = ${stale10}`,
  );
  await t.ctx.db.execute(
    sql`UPDATE accounts SET name = 'Stale forty', last_login_at = ${new Date(now - 40 * DAY).toISOString()} WHERE id = ${stale40}`,
  );
  await o.addToGroup(g.id, [signedIn.id, never, stale10, gone]);
  await o.addToGroup(east.id, [formula, stale40]);
  await o.addToGroup(other.id, [elsewhere]);
  await setMembershipStatus(t, o.org.id, gone, 'archived');
  expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: ['+invited@example.com'], groupIds: [east.id] }), 201);

  const safety = await o.session((await o.program('Safety')).id, -HOUR, 2 * HOUR); // closes in an hour
  await o.attach(g.id, safety.id);
  const mine = (await signedIn.agent.get('/api/v1/me/enrolments')).data.items;
  const done = mine.find((e: { sessionId: unknown }) => e.sessionId === safety.id);
  expectStatus(await signedIn.agent.post(`/api/v1/me/enrolments/${done.id}/progress`, { percent: 100 }), 200);
  t.clock.advance(2 * HOUR); // closed: whoever did not complete it is late
  // Stale ten completes after the close (straight in the database: late completion).
  await t.ctx.db.execute(
    sql`UPDATE enrolments SET percent = 100, completed_at = ${t.clock.now().toISOString()} WHERE session_id = ${safety.id} AND account_id = ${stale10}`,
  );
  return { o, g, east, safety, signedIn };
}

describe('group dashboard', () => {
  it('counts members by status and activity, completion and lateness per session, and completions per week', async () => {
    const { o, g, east } = await setup();
    const d = expectStatus(await o.owner.agent.get(`${o.base}/groups/${g.id}/dashboard`), 200).data;
    expect(d.members).toEqual({ active: 5, archived: 1, invited: 1, neverSignedIn: 2, inactive7: 2, inactive30: 1 });
    expect(d.sessions).toMatchObject([{ programTitle: 'Safety', status: 'closed', enrolled: 5, completed: 2, late: 3, completedLate: 1 }]);
    expect(d.weekly).toHaveLength(12);
    expect(d.weekly.at(-1).completions).toBe(2);
    expect(d.weekly.slice(0, -1).every((w: { completions: number }) => w.completions === 0)).toBe(true);
    // The sub-group alone.
    const e = (await o.owner.agent.get(`${o.base}/groups/${east.id}/dashboard`)).data;
    expect(e.members).toEqual({ active: 2, archived: 0, invited: 1, neverSignedIn: 1, inactive7: 1, inactive30: 1 });
  });

  it('exports the people behind a number as CSV and XLSX, formula-safe', async () => {
    const { o, g, safety } = await setup();
    const url = `${o.base}/groups/${g.id}/dashboard/people`;
    const csv = expectStatus(await o.owner.agent.get(`${url}?metric=never_signed_in&format=csv`), 200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Name,Email,Status,Last sign-in,Program,Progress (%),Completed at');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.startsWith("'=cmd|calc,"))).toBe(true);

    const invited = await o.owner.agent.get(`${url}?metric=invited`);
    expect(invited.body).toContain("'+invited@example.com");

    const late = expectStatus(await o.owner.agent.get(`${url}?metric=late&sessionId=${safety.id}&format=xlsx`), 200);
    expect(late.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(late.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const names = (ws?.getColumn(1).values ?? []).slice(2).map(String).sort();
    expect(names).toEqual(["'=cmd|calc", 'Seeded 1', 'Stale forty']);
    expect(ws?.getCell('A2').type).toBe(ExcelJS.ValueType.String);

    const inactive = await o.owner.agent.get(`${url}?metric=inactive_30`);
    expect(inactive.body).toContain('Stale forty');
    expect(inactive.body).not.toContain('Stale ten');
  });

  it('serves a large group from its last computation, refreshed once in the background when stale', async () => {
    const { o, g } = await setup();
    const config = t.ctx.config;
    const saved = { max: config.dashboardLiveMax, fresh: config.dashboardFreshSeconds };
    config.dashboardLiveMax = 3; // Sales, with its sub-group, holds 6 people: a "large" group here
    config.dashboardFreshSeconds = 60;
    try {
      const url = `${o.base}/groups/${g.id}/dashboard`;
      const first = expectStatus(await o.owner.agent.get(url), 200).data;
      expect(first).toMatchObject({ members: { active: 5 }, refreshing: false, asOf: t.clock.now().toISOString() });

      // A newcomer: the figures served are the last computation's until it is a minute old.
      await o.addToGroup(g.id, [(await o.learner()).id]);
      t.clock.advance(30_000);
      expect((await o.owner.agent.get(url)).data).toMatchObject({ members: { active: 5 }, refreshing: false, asOf: first.asOf });

      // A minute old: still served at once, marked refreshing; two readers queue one refresh.
      t.clock.advance(31_000);
      for (let i = 0; i < 2; i++) expect((await o.owner.agent.get(url)).data).toMatchObject({ members: { active: 5 }, refreshing: true });
      expect(await t.ctx.jobs.drain(t.ctx, { names: ['groups.dashboard-refresh'] })).toBe(1);
      const refreshed = (await o.owner.agent.get(url)).data;
      expect(refreshed).toMatchObject({ members: { active: 6 }, refreshing: false, asOf: t.clock.now().toISOString() });

      // "Refresh now" computes at once.
      await o.addToGroup(g.id, [(await o.learner()).id]);
      expect((await o.owner.agent.get(`${url}?fresh=true`)).data.members.active).toBe(7);
      expect((await o.owner.agent.get(url)).data.members.active).toBe(7);

      // Small again (a higher threshold): computed live at every request, nothing kept.
      config.dashboardLiveMax = 100;
      expect((await o.owner.agent.get(`${url}?fresh=true`)).data.members.active).toBe(7);
      await o.addToGroup(g.id, [(await o.learner()).id]);
      expect((await o.owner.agent.get(url)).data).toMatchObject({ members: { active: 8 }, refreshing: false });
      expect((await o.owner.agent.get(`${url}?fresh=maybe`)).statusCode).toBe(422);
    } finally {
      config.dashboardLiveMax = saved.max;
      config.dashboardFreshSeconds = saved.fresh;
    }
  });

  it('asks for the session of a per-session number; 404 for another organization and outside a manager’s groups', async () => {
    const { o, g } = await setup();
    const missing = await o.owner.agent.get(`${o.base}/groups/${g.id}/dashboard/people?metric=late`);
    expect(missing.statusCode).toBe(422);
    expect(Object.keys(missing.data.error.details.fields)).toEqual(['sessionId']);
    const other = await orgWithOwner(t);
    expect((await other.owner.agent.get(`${o.base}/groups/${g.id}/dashboard`)).statusCode).toBe(404);
    const foreignSession = await other.session((await other.program('Theirs')).id);
    expect(
      (await o.owner.agent.get(`${o.base}/groups/${g.id}/dashboard/people?metric=late&sessionId=${foreignSession.id}`)).statusCode,
    ).toBe(404);
    const limited = await o.learner('manager_limited');
    expect((await limited.agent.get(`${o.base}/groups/${g.id}/dashboard`)).statusCode).toBe(404);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${g.id}/observers`, { accountIds: [limited.id] }), 200);
    expectStatus(await limited.agent.get(`${o.base}/groups/${g.id}/dashboard`), 200);
  });
});
