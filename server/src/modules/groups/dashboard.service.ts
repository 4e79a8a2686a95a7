import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { AppError, notFound } from '../../http/errors.js';
import { csvLine, formulaSafe } from '../../lib/csv.js';
import { toIso } from '../../lib/time.js';
import { statusAt } from '../programs/programs.schemas.js';
import * as repo from './dashboard.repo.js';
import * as snapshots from './dashboard-snapshot.repo.js';
import { DASHBOARD_WEEKS, type dashboardOut, type PeopleMetric } from './dashboard.schemas.js';
import { groupExists, subtreeIds } from './group-stats.repo.js';

/** The Monday (UTC) of the week `d` falls in. */
function mondayOf(d: Date): Date {
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  m.setUTCDate(m.getUTCDate() - ((m.getUTCDay() + 6) % 7));
  return m;
}

/**
 * Runs a statement over a whole group (100,000 people, 300,000 enrolments) in a read-only transaction
 * of its own. On PostgreSQL: hash joins, not nested loops — the planner under-estimates the people of a
 * group and probes the enrolments index once per person (measured: 95,000 probes, 3× slower) — and no
 * JIT (compiling costs more than it saves at this size).
 */
async function bulkRead<T>(ctx: AppContext, fn: (db: Db) => Promise<T>): Promise<T> {
  if (ctx.database?.kind !== 'pg') return fn(ctx.db);
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL enable_nestloop = off`);
    await tx.execute(sql`SET LOCAL jit = off`);
    await tx.execute(sql`SET LOCAL work_mem = '64MB'`); // the hash of 100,000 people stays in memory
    return fn(tx);
  });
}

/** At most this many people in one export (a 100,000-member group fits). */
const EXPORT_MAX = 200_000;

/** The group and its sub-groups, as of now (the group is known to exist). */
async function scopeFor(ctx: AppContext, o: { orgId: string; groupId: string }): Promise<repo.Scope> {
  const ids = await subtreeIds(ctx.db, o.orgId, o.groupId);
  return { orgId: o.orgId, groupId: o.groupId, ids, now: ctx.clock.now() };
}

async function scopeOf(ctx: AppContext, o: { orgId: string; groupId: string }): Promise<repo.Scope> {
  if (!(await groupExists(ctx.db, o.orgId, o.groupId))) throw notFound('Group');
  return scopeFor(ctx, o);
}

type Dashboard = z.infer<typeof dashboardOut>;
type Computed = Omit<Dashboard, 'asOf' | 'refreshing'>;

/** Members by status and activity, each session's completion and lateness, completions per week: computed now. */
async function computeDashboard(ctx: AppContext, scope: repo.Scope): Promise<Computed> {
  const firstWeek = mondayOf(scope.now);
  firstWeek.setUTCDate(firstWeek.getUTCDate() - 7 * (DASHBOARD_WEEKS - 1));
  // Independent statements: on PostgreSQL each takes its own pooled connection, side by side.
  const [members, sessions, counts] = await Promise.all([
    bulkRead(ctx, (db) => repo.countMembers(db, scope)),
    repo.listSessions(ctx.db, scope),
    bulkRead(ctx, (db) => repo.countEnrolments(db, { ...scope, since: firstWeek })),
  ]);
  const none = { enrolled: 0, completed: 0, late: 0, completedLate: 0 };
  return {
    members,
    sessions: sessions.map((r) => ({
      ...r,
      ...(counts.bySession.get(r.sessionId) ?? none),
      opensAt: toIso(r.opensAt) as string,
      closesAt: toIso(r.closesAt),
      status: statusAt(r.opensAt, r.closesAt, scope.now),
    })),
    weekly: Array.from({ length: DASHBOARD_WEEKS }, (_, i) => {
      const d = new Date(firstWeek.getTime() + i * 7 * 86_400_000).toISOString().slice(0, 10);
      return { week: d, completions: counts.byWeek.get(d) ?? 0 };
    }),
  };
}

/** Computes the dashboard now; a large group's is kept for the next readers, a small group's is not. */
async function computeAndKeep(ctx: AppContext, scope: repo.Scope, o: { hadSnapshot: boolean }): Promise<Dashboard> {
  const d = await computeDashboard(ctx, scope);
  const people = d.members.active + d.members.archived;
  const key = { orgId: scope.orgId, groupId: scope.groupId };
  if (people >= ctx.config.dashboardLiveMax) await snapshots.saveSnapshot(ctx.db, { ...key, computedAt: scope.now, people, payload: d });
  else if (o.hadSnapshot) await snapshots.dropSnapshot(ctx.db, key);
  return { ...d, asOf: scope.now.toISOString(), refreshing: false };
}

/** A refresh job queued and not finished after this long is queued again (its worker died). */
const REFRESH_RETRY_SECONDS = 60;

/**
 * The group's dashboard (sub-groups included). A group of fewer than DASHBOARD_LIVE_MAX people is
 * computed at each request. A larger one (about half a second of database work at 100,000 people) is
 * served from its last computation; when that is DASHBOARD_FRESH_SECONDS old or more it is still served,
 * marked `refreshing`, and one background job computes it again. `fresh` computes it now, whatever the size.
 */
export async function groupDashboard(ctx: AppContext, o: { orgId: string; groupId: string; fresh?: boolean }): Promise<Dashboard> {
  const scope = await scopeOf(ctx, o);
  const key = { orgId: o.orgId, groupId: o.groupId };
  const snap = await snapshots.readSnapshot<Computed>(ctx.db, key);
  if (!snap || o.fresh) return computeAndKeep(ctx, scope, { hadSnapshot: !!snap });
  const stale = scope.now.getTime() - snap.computedAt.getTime() >= ctx.config.dashboardFreshSeconds * 1000;
  if (stale && (await snapshots.claimRefresh(ctx.db, { ...key, now: scope.now, retryAfterSeconds: REFRESH_RETRY_SECONDS })))
    await ctx.jobs.send(REFRESH_DASHBOARD, key);
  return { ...snap.payload, asOf: snap.computedAt.toISOString(), refreshing: stale };
}

export const REFRESH_DASHBOARD = 'groups.dashboard-refresh';

/** Computes a large group's dashboard again (idempotent: a second run stores a later computation). */
export const dashboardJobs: JobDefinition[] = [
  {
    name: REFRESH_DASHBOARD,
    schema: z.object({ orgId: z.string().uuid(), groupId: z.string().uuid() }),
    handler: async (ctx, data) => {
      if (!(await groupExists(ctx.db, data.orgId, data.groupId))) return; // deleted meanwhile
      await computeAndKeep(ctx, await scopeFor(ctx, data), { hadSnapshot: true });
    },
  },
];

const HEADERS = ['Name', 'Email', 'Status', 'Last sign-in', 'Program', 'Progress (%)', 'Completed at'];
const HEADERS_FR = ['Nom', 'E-mail', 'Statut', 'Dernière connexion', 'Programme', 'Progression (%)', 'Terminé le'];

/** The people behind one number of the dashboard, as CSV or XLSX (formula-safe: a cell never starts a formula). */
export async function exportPeople(
  ctx: AppContext,
  o: { orgId: string; groupId: string; metric: PeopleMetric; format: 'csv' | 'xlsx'; sessionId?: string; week?: string; locale: string },
): Promise<{ fileName: string; contentType: string; body: Buffer | string }> {
  const scope = await scopeOf(ctx, o);
  const bySession = o.metric === 'enrolled' || o.metric === 'completed' || o.metric === 'late';
  if (bySession) {
    if (!o.sessionId)
      throw new AppError(422, 'session_required', 'Choose the session these people are counted in.', {
        fields: { sessionId: 'Choose the session these people are counted in.' },
      });
    if (!(await repo.sessionReaches(ctx.db, { ...scope, sessionId: o.sessionId }))) throw notFound('Session');
  }
  if (o.metric === 'completed_in_week' && !o.week)
    throw new AppError(422, 'week_required', 'Choose the week (its Monday).', { fields: { week: 'Choose the week (its Monday).' } });
  const weekStart = o.week ? new Date(`${o.week}T00:00:00Z`) : undefined;
  const rows = await repo.peopleBehind(ctx.db, { ...scope, metric: o.metric, sessionId: o.sessionId, weekStart, limit: EXPORT_MAX });
  const header = o.locale === 'fr' ? HEADERS_FR : HEADERS;
  const cells = (r: repo.PersonRow) => [
    r.name ?? '',
    r.email,
    r.status,
    toIso(r.lastSignInAt) ?? '',
    r.program ?? '',
    r.percent ?? '',
    toIso(r.completedAt) ?? '',
  ];
  const base = `group-${o.groupId}-${o.metric.replaceAll('_', '-')}`;
  if (o.format === 'csv') {
    return {
      fileName: `${base}.csv`,
      contentType: 'text/csv; charset=utf-8',
      body: `\uFEFF${csvLine(header)}${rows.map((r) => csvLine(cells(r))).join('')}`,
    };
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(o.metric);
  ws.addRow(header).font = { bold: true };
  // Every value is written as text, and text that a spreadsheet would read as a formula is neutralised.
  for (const r of rows) ws.addRow(cells(r).map((c) => (typeof c === 'number' ? c : formulaSafe(c))));
  return {
    fileName: `${base}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: Buffer.from(await wb.xlsx.writeBuffer()),
  };
}
