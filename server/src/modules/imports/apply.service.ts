import type { ReminderOverride } from '../invitations/reminders.schemas.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { accounts, imports, organizations } from '../../db/schema.js';
import { queryRows } from '../../lib/sql.js';
import { queueEmails } from '../../mail/outbox.js';
import { recordAudit } from '../audit/audit.service.js';
import { enrolJoinedInGroupSessions, enrolNewAccountsInGroupSessions } from '../groups/group-membership.service.js';
import { createAccounts, skipRowsBeyondSeats } from './apply-create.js';
import { lockGroupSeatsLeft } from '../seats/seats.service.js';
import { applyFieldValues } from './apply-fields.js';
import { type ApplyCtx, createMissingGroups, decideRows } from './apply-decide.js';
import { inviteRows, retireCurrentInvitations } from './apply-invite.js';
import { allowedRoles, type ImportMode } from './preview.service.js';
import { recordEvent } from '../webhooks/events.service.js';
import { recordImportPersonEvents } from './apply-events.js';
import { one } from '../../lib/rows.js';
import { pruneEnrolments } from '../groups/group-membership.service.js';
import { hasSubscribers, recordBatchEvents } from '../webhooks/events.service.js';
import { applyUpdates, archiveMissing, archivePlan, computeChanges } from './sync.js';
import { syncSettingsOf, thresholdOf } from './sync-plan.js';

/** Lines applied per statement: progress moves after each slice. */
const SLICE_LINES = 10_000;

type Options = {
  createMissingGroups?: boolean;
  sendAt?: string | null;
  sendWelcome?: boolean;
  reminders?: ReminderOverride;
  /** A sync approved over its threshold: the number of members the approver typed. */
  approvedArchiveCount?: number | null;
};

/**
 * Applies an approved import: every valid row or none (one transaction); a rerun after a crash starts
 * clean. Set-based from start to end — a few statements whatever the number of rows, nothing per row
 * in this process: decide each row's result against the organization as it is now, write the
 * invitations (or accounts) with their tokens and emails, enrol the new members, count.
 */
export async function runImport(ctx: AppContext, { importId }: { importId: string }): Promise<void> {
  // Shown as running at once (progress restarts only from approved: a second run must not move it back).
  const [imp] = await ctx.db
    .update(imports)
    .set({
      status: 'running',
      heartbeatAt: sql`now()`,
      progress: sql`CASE WHEN ${imports.status} = 'approved' THEN 0 ELSE ${imports.progress} END`,
      rowsDone: sql`CASE WHEN ${imports.status} = 'approved' THEN 0 ELSE ${imports.rowsDone} END`,
    })
    .where(and(eq(imports.id, importId), inArray(imports.status, ['approved', 'running'])))
    .returning();
  if (!imp) return; // done, rejected, or unknown: nothing to do twice
  const progress = progressReporter(ctx, importId);
  const opts = imp.options as Options;
  const [actor] = await ctx.db
    .select()
    .from(accounts)
    .where(eq(accounts.id, imp.approvedBy ?? imp.createdBy ?? ''));
  const [actorRole] = await queryRows<{ role: string }>(
    ctx.db,
    sql`SELECT role FROM memberships WHERE org_id = ${imp.orgId} AND account_id = ${actor?.id ?? null} AND status = 'active'`,
  );
  const now = ctx.clock.now();
  const mode = imp.mode as ImportMode;
  await ctx.db.transaction(async (tx) => {
    // The claim, in the transaction that applies: one run at a time per import (a second run — a retry,
    // the sweep, another worker — waits here), and a run that finds it applied does nothing. A lock
    // rather than the import's row, which progress updates from another connection while this runs.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`import:${importId}`}, 0))`);
    const [current] = await queryRows<{ status: string }>(tx, sql`SELECT status FROM imports WHERE id = ${importId}`);
    if (!current || !['approved', 'running'].includes(current.status)) return;
    // Statements over 100,000 rows cost more to compile (JIT) than they gain from it; their sorts
    // (rows in index order) fit in memory instead of spilling to disk.
    if (ctx.database.kind === 'pg') {
      await tx.execute(sql`SET LOCAL jit = off`);
      await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
    }
    const c: ApplyCtx = { tx, importId, orgId: imp.orgId, now };
    // Update and sync (issue 15): the checks and each member's change against the organization as it is now.
    const sync = syncSettingsOf(imp, { id: actor?.id ?? null, role: actorRole?.role ?? 'none' });
    if (sync.syncMode === 'sync') {
      const plan = await archivePlan(tx, sync, { importId, orgId: imp.orgId, thresholdPercent: thresholdOf(imp) });
      const allowed = opts.approvedArchiveCount ?? Math.floor((thresholdOf(imp) * plan.members) / 100);
      if (plan.toArchive > allowed) {
        // More people would go than the approver saw: nothing is applied; the import says why.
        await tx
          .update(imports)
          .set({
            status: 'failed',
            error: `This sync would now archive ${plan.toArchive} members, more than the ${allowed} approved. Upload the file again to see the new preview.`,
            finishedAt: sql`now()`,
          })
          .where(eq(imports.id, importId));
        return;
      }
    }
    const madeValid = opts.createMissingGroups ? await createMissingGroups(c) : 0;
    // Each member's change, against the organization as it is now (before the file's groups are added).
    if (sync.syncMode !== 'add') await computeChanges(tx, sync, { importId, orgId: imp.orgId });
    // The seats of the limited groups the file names are locked for the rest of the import and shared
    // out in line order (in mode create, with the organization's, which its new accounts take:
    // skipRowsBeyondSeats).
    const groupSeats = await lockGroupSeatsLeft(tx, imp.orgId, {
      groupIds: sql`ARRAY(SELECT DISTINCT g FROM import_rows r, unnest(r.group_ids) g WHERE r.import_id = ${importId} AND r.outcome = 'valid')`,
      withOrganization: mode === 'create',
    });
    await decideRows(c, { mode, allowedRoles: allowedRoles(actorRole?.role ?? 'none', mode), groupSeats });
    if (mode === 'create') await skipRowsBeyondSeats(c);
    await progress(10, 0);
    const sendAt = opts.sendAt && new Date(opts.sendAt) > now ? new Date(opts.sendAt) : undefined;
    const org = one(await tx.select().from(organizations).where(eq(organizations.id, imp.orgId)), 'organization');
    const mail = { orgName: org.name, actor: actor ?? null, sendAt, reminders: opts.reminders };
    if (mode === 'invite') await retireCurrentInvitations(c);
    // Slices of the file's lines: a few statements each, whatever their size; progress after each.
    const span = one(
      await queryRows<{ first: number; last: number }>(
        tx,
        sql`SELECT coalesce(min(line), 0) AS first, coalesce(max(line), -1) AS last FROM import_rows WHERE import_id = ${importId}`,
      ),
      'import line span',
    );
    const stats = { fresh: false };
    let rowsDone = 0;
    for (let from = span.first; from <= span.last; from += SLICE_LINES) {
      const lines = { from, to: from + SLICE_LINES };
      if (mode === 'create') await createAccounts(c, ctx.jobs, { ...mail, sendWelcome: opts.sendWelcome !== false }, lines, stats);
      else await inviteRows(c, ctx.jobs, mail, org.invitationTtlDays, lines);
      const joined = (result: string) => sql`SELECT r.account_id, g FROM import_rows r, unnest(r.group_ids) g
        WHERE r.import_id = ${importId} AND r.line >= ${lines.from} AND r.line < ${lines.to} AND r.result = ${result}`;
      await enrolJoinedInGroupSessions(tx, { orgId: imp.orgId, joined: joined('added_to_groups'), now, jobs: ctx.jobs });
      if (mode === 'create') {
        await enrolNewAccountsInGroupSessions(tx, { orgId: imp.orgId, joined: joined('created'), now, jobs: ctx.jobs });
        await applyFieldValues(c, ctx.jobs, { lines, result: 'created', fieldKeys: sync.fieldKeys });
      }
      // Rows done: a running total of each slice's rows (counting every row before the slice's end
      // again at each slice made a 1,000,000-row apply quadratic: 11.7 s of 106 s).
      const inSlice = one(
        await queryRows<{ n: number }>(
          tx,
          sql`SELECT count(*)::int AS n FROM import_rows WHERE import_id = ${importId} AND line >= ${lines.from} AND line < ${lines.to}`,
        ),
        'applied row count',
      );
      rowsDone += inSlice.n;
      await progress(10 + Math.floor((85 * (Math.min(lines.to, span.last + 1) - span.first)) / (span.last + 1 - span.first)), rowsDone);
    }
    let archived: string[] = [];
    if (sync.syncMode !== 'add') {
      await applyUpdates(tx, sync, { importId, orgId: imp.orgId, now });
      for (let from = span.first; from <= span.last && sync.fieldKeys.length; from += SLICE_LINES)
        await applyFieldValues(c, ctx.jobs, { lines: { from, to: from + SLICE_LINES }, result: 'updated', fieldKeys: sync.fieldKeys });
      // People who left groups keep their started training; the rest no group justifies goes.
      await pruneEnrolments(tx, {
        orgId: imp.orgId,
        accountIds: sql`SELECT a.id FROM import_rows r JOIN accounts a ON a.email_key = r.email_key WHERE r.import_id = ${importId} AND r.changes ? 'groups'`,
      });
    }
    if (sync.syncMode === 'sync') archived = await archiveMissing(tx, sync, { importId, orgId: imp.orgId, now });
    const result = one(
      await queryRows<Record<string, number>>(
        tx,
        sql`SELECT count(*) FILTER (WHERE result = 'created')::int AS created, count(*) FILTER (WHERE result = 'updated')::int AS updated,
            ${archived.length}::int AS archived, count(*) FILTER (WHERE result = 'invited')::int AS invited,
            count(*) FILTER (WHERE result = 'added_to_groups')::int AS "addedToGroups", count(*) FILTER (WHERE result = 'already_there')::int AS "alreadyThere",
            count(*) FILTER (WHERE result = 'skipped')::int AS skipped, count(*)::int AS rows
          FROM import_rows WHERE import_id = ${importId}`,
      ),
      'import result',
    );
    const counts = imp.counts as Record<string, unknown>;
    const after = madeValid
      ? { valid: Number(counts.valid) + madeValid, invalid: Number(counts.invalid) - madeValid, unknownGroups: [] }
      : {};
    await tx
      .update(imports)
      .set({
        status: 'done',
        result,
        counts: { ...counts, ...after },
        progress: 100,
        rowsDone: result.rows,
        finishedAt: sql`now()`,
        heartbeatAt: sql`now()`,
      })
      .where(eq(imports.id, importId));
    if (mode === 'create' && opts.sendWelcome === false && actor) {
      await queueEmails(tx, ctx.jobs, [
        {
          to: actor.email,
          template: 'import-done',
          locale: actor.locale,
          orgId: imp.orgId,
          refId: importId,
          params: { orgName: org.name, fileName: imp.fileName ?? '', ...result },
        },
      ]);
    }
    await recordAudit(tx, {
      orgId: imp.orgId,
      actor: actor ? { id: actor.id, email: actor.email } : null,
      action: 'import.applied',
      targetType: 'import',
      targetId: importId,
      data: result,
    });
    // issue 12: webhooks — the per-person events in batches, then the one import.completed
    await recordImportPersonEvents(tx, ctx.jobs, { orgId: imp.orgId, importId });
    if (archived.length && (await hasSubscribers(tx, imp.orgId, 'member.archived')))
      await recordBatchEvents(
        tx,
        ctx.jobs,
        imp.orgId,
        'member.archived',
        archived.map((accountId) => ({ accountId })),
        { importId },
      );
    await recordEvent(tx, ctx.jobs, imp.orgId, 'import.completed', { importId, mode, ...result });
  });
}

/** Progress (percent, and rows applied so far) is written outside the import's transaction (another connection) so the page sees it move. */
function progressReporter(ctx: AppContext, importId: string) {
  return async (percent: number, rowsDone: number) => {
    if (ctx.database.kind !== 'pg') return; // the embedded database has one connection: it reports 0 then 100
    await ctx.database
      .query('UPDATE imports SET progress = $2, rows_done = $3, heartbeat_at = now() WHERE id = $1', [importId, percent, rowsDone])
      .catch(() => {});
  };
}
