import type { ReminderOverride } from '../invitations/reminders.schemas.js';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { imports } from '../../db/schema.js';
import { conflict, notFound } from '../../http/errors.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { csvLine } from '../../lib/csv.js';
import { queryRows } from '../../lib/sql.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../members/members.service.js';
import { runImport } from './apply.service.js';
import { rowsAfter } from './imports.repo.js';
import { allowedRoles, type ImportMode } from './preview.service.js';
import { validateImport } from './validate.js';
import { archivePlan } from './sync.js';
import { planChanges, requireArchiveConfirmation, syncSettingsOf, thresholdOf } from './sync-plan.js';

const RUN = 'imports.run';
const SWEEP = 'imports.sweep';

/** Approves a previewed import: the background run starts (its job is written in the same transaction). */
export async function approveImport(
  ctx: AppContext,
  o: {
    actor: Actor;
    orgId: string;
    importId: string;
    sendAt?: string;
    createMissingGroups?: boolean;
    sendWelcome?: boolean;
    reminders?: ReminderOverride;
    /** A sync over its threshold: the number of members it archives, typed by the person approving. */
    confirmArchiveCount?: number;
  },
) {
  return ctx.db.transaction(async (tx) => {
    const [imp] = await tx
      .select()
      .from(imports)
      .where(and(eq(imports.id, o.importId), eq(imports.orgId, o.orgId)))
      .for('update');
    if (!imp) throw notFound('Import');
    if (imp.status !== 'preview')
      throw conflict('import_not_in_preview', `This import is ${imp.status}; only an import in preview can be approved.`);
    // A sync is checked again now: the people it would archive today, against its threshold.
    const plan = await archivePlan(tx, syncSettingsOf(imp, o.actor), {
      importId: imp.id,
      orgId: o.orgId,
      thresholdPercent: thresholdOf(imp),
    });
    requireArchiveConfirmation(plan, thresholdOf(imp), o.confirmArchiveCount);
    const options = {
      ...(imp.options as object),
      ...(o.createMissingGroups !== undefined ? { createMissingGroups: o.createMissingGroups } : {}),
      sendAt: o.sendAt ?? null,
      sendWelcome: o.sendWelcome ?? true,
      ...(o.reminders ? { reminders: o.reminders } : {}),
      ...(imp.syncMode === 'sync' ? { approvedArchiveCount: plan.overThreshold ? plan.toArchive : null } : {}),
    };
    await tx
      .update(imports)
      .set({ status: 'approved', approvedBy: o.actor.id, approvedAt: sql`now()`, options })
      .where(eq(imports.id, imp.id));
    await ctx.jobs.send(RUN, { importId: imp.id }, { tx });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'import.approved',
      targetType: 'import',
      targetId: imp.id,
      ip: o.actor.ip,
      data: options,
    });
  });
}

/** Checks a previewed import again with another choice about missing groups; counts and messages follow. */
export async function recheckImport(ctx: AppContext, o: { actor: Actor; orgId: string; importId: string; createMissingGroups: boolean }) {
  return ctx.db.transaction(async (tx) => {
    const [imp] = await tx
      .select()
      .from(imports)
      .where(and(eq(imports.id, o.importId), eq(imports.orgId, o.orgId)))
      .for('update');
    if (!imp) throw notFound('Import');
    if (imp.status !== 'preview')
      throw conflict('import_not_in_preview', `This import is ${imp.status}; only an import in preview can be checked again.`);
    const summary = await validateImport(tx, {
      importId: imp.id,
      orgId: o.orgId,
      createMissingGroups: o.createMissingGroups,
      allowedRoles: allowedRoles(o.actor.role, imp.mode as ImportMode),
      analyze: ctx.database.kind === 'pg',
    });
    const changes = imp.syncMode === 'add' ? {} : await planChanges(tx, imp, syncSettingsOf(imp, o.actor));
    await tx
      .update(imports)
      .set({
        counts: { ...summary.counts, ...changes, unknownGroups: summary.unknownGroups },
        options: { ...(imp.options as object), createMissingGroups: o.createMissingGroups },
      })
      .where(eq(imports.id, imp.id));
  });
}

/** Rejects (disapproves) a previewed import: nothing is applied; it stays in the history. */
export async function rejectImport(ctx: AppContext, o: { actor: Actor; orgId: string; importId: string }) {
  return ctx.db.transaction(async (tx) => {
    const [imp] = await tx
      .update(imports)
      .set({ status: 'rejected', finishedAt: sql`now()` })
      .where(and(eq(imports.id, o.importId), eq(imports.orgId, o.orgId), eq(imports.status, 'preview')))
      .returning();
    if (!imp) {
      const [exists] = await tx
        .select({ status: imports.status })
        .from(imports)
        .where(and(eq(imports.id, o.importId), eq(imports.orgId, o.orgId)));
      if (!exists) throw notFound('Import');
      throw conflict('import_not_in_preview', `This import is ${exists.status}; only an import in preview can be rejected.`);
    }
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'import.rejected',
      targetType: 'import',
      targetId: imp.id,
      ip: o.actor.ip,
    });
  });
}

/** The per-row result as CSV (formula-safe), written page by page: 100,000 rows never sit in memory at once. */
export async function* resultsCsv(ctx: AppContext, importId: string): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(['line', 'email', 'first name', 'last name', 'groups', 'role', 'location', 'external id', 'check', 'problems', 'result', 'reason'])}`;
  for (let after = -1; ; ) {
    const rows = await rowsAfter(ctx.db, importId, after, 5_000);
    if (rows.length === 0) return;
    let chunk = '';
    for (const r of rows) {
      const problems = r.messages
        .filter((m) => m.level === 'error')
        .map((m) => (m.value ? `${m.code}: ${m.value}` : m.code))
        .join('; ');
      chunk += csvLine([
        r.line,
        r.email,
        r.firstName,
        r.lastName,
        r.groups.join('; '),
        r.role ?? '',
        r.location,
        r.externalId,
        r.outcome,
        problems,
        r.result ?? '',
        r.resultReason ?? '',
      ]);
    }
    yield chunk;
    after = rows.at(-1)?.line ?? after;
  }
}

/**
 * Imports whose run is lost (no heartbeat for two minutes, and no job left to retry it) are queued
 * again. A run already applying holds the import's lock: it is left alone. Extra runs are harmless
 * anyway: the apply claims the import in its own transaction.
 */
async function sweepStalled(ctx: AppContext): Promise<void> {
  const { rows } = await ctx.database.query<{ id: string }>(
    `SELECT id FROM imports WHERE status IN ('approved', 'running') AND coalesce(heartbeat_at, approved_at) < now() - interval '2 minutes'`,
  );
  for (const r of rows) {
    const busy = await ctx.db.transaction(async (tx) => {
      const [lock] = await queryRows<{ free: boolean }>(
        tx,
        sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`import:${r.id}`}, 0)) AS free`,
      );
      return !lock?.free;
    });
    if (!busy) await ctx.jobs.send(RUN, { importId: r.id });
  }
}

export const importJobs: JobDefinition[] = [
  { name: RUN, schema: z.object({ importId: z.string().uuid() }), handler: runImport, retryLimit: 5 },
  { name: SWEEP, schema: z.object({}).passthrough(), handler: (ctx) => sweepStalled(ctx), cron: '* * * * *' },
];
