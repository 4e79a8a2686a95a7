import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../http/errors.js';
import type { Permission } from '../../http/permissions.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../members/members.service.js';
import * as repo from './people-batch.repo.js';
import type { batchPerson } from './people-batch.schemas.js';
import { type HeldEvent, holdEvents, recordHeldEventsGrouped } from '../webhooks/events.service.js';
import { upsertPersonIn } from './people.service.js';

// Batch provisioning: a request of up to 10,000 people is written at once and answered 202; a job
// applies it with the guarantees of an import — one transaction for the whole batch (each person
// under a savepoint, so one refused person does not undo the others), a claim in the database so a
// second run does nothing, and a sweep that queues a batch again when its worker died.

const RUN = 'people.batch';
const SWEEP = 'people.batch-sweep';
/** People read and written per statement. */
const SLICE = 500;

type Person = z.infer<typeof batchPerson>;
type StoredActor = Actor & { permissions: Permission[] };

/** Writes the batch and queues its job in one transaction; the answer is the batch to poll. */
export async function createBatch(ctx: AppContext, o: { actor: Actor; orgId: string; permissions: Permission[]; people: Person[] }) {
  const actor: StoredActor = {
    id: o.actor.id,
    email: o.actor.email,
    name: o.actor.name,
    locale: o.actor.locale,
    role: o.actor.role,
    ip: o.actor.ip,
    permissions: o.permissions,
  };
  return ctx.db.transaction(async (tx) => {
    const batch = await repo.insertBatch(tx, { orgId: o.orgId, createdBy: o.actor.id, actor, people: o.people });
    await ctx.jobs.send(RUN, { batchId: batch.id }, { tx });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'people.batch_received',
      targetType: 'people_batch',
      targetId: batch.id,
      ip: o.actor.ip,
      data: { total: o.people.length },
    });
    return present(batch);
  });
}

/** The batch's status and progress; 404 for another organization's. */
export async function getBatch(ctx: AppContext, o: { orgId: string; batchId: string }) {
  const batch = await repo.findBatch(ctx.db, o.orgId, o.batchId);
  if (!batch) throw notFound('Batch');
  return present(batch);
}

/** The per-person results, in request order. */
export async function listBatchResults(
  ctx: AppContext,
  o: { orgId: string; batchId: string; outcome?: string; limit: number; cursor?: string },
) {
  if (!(await repo.findBatch(ctx.db, o.orgId, o.batchId))) throw notFound('Batch');
  const page = await repo.listResults(ctx.db, o);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((r) => ({
      line: r.line,
      externalId: r.externalId,
      outcome: r.outcome as 'created' | 'updated' | 'unchanged' | 'failed' | null,
      accountId: (r.result?.accountId as string | null) ?? null,
      invitationId: (r.result?.invitationId as string | null) ?? null,
      status: (r.result?.status as 'active' | 'invited' | undefined) ?? null,
      error: (r.result?.error as { status: number; code: string; message: string } | undefined) ?? null,
    })),
  };
}

const present = (b: repo.BatchRow) => ({
  id: b.id,
  status: b.status,
  total: b.total,
  rowsDone: b.rowsDone,
  progress: b.progress,
  counts: b.counts,
  createdAt: b.createdAt,
  finishedAt: b.finishedAt,
});

/** Applies a batch: every person in one transaction, under the batch's lock; a run that finds it done does nothing. */
export async function runBatch(ctx: AppContext, { batchId }: { batchId: string }): Promise<void> {
  const batch = await repo.markRunning(ctx.db, batchId);
  if (!batch) return; // done, or unknown: nothing to do twice
  const { permissions, ...actor } = batch.actor as StoredActor;
  await ctx.db.transaction(async (tx) => {
    if (!(await repo.lockOpenBatch(tx, batchId))) return;
    const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
    const events: HeldEvent[] = []; // of the people applied, sent grouped at the end (a batch does not flood receivers)
    let done = 0;
    for (let after = -1; ; ) {
      const slice = await repo.inputRows(tx, batchId, after, SLICE);
      if (slice.length === 0) break;
      const results: { line: number; outcome: keyof typeof counts; result: object }[] = [];
      for (const row of slice) {
        const { externalId, ...body } = row.input as Person;
        try {
          // A savepoint per person: one refused person is rolled back alone.
          const held = await holdEvents(() =>
            tx.transaction((sp) => upsertPersonIn(ctx, sp, { actor, orgId: batch.orgId, permissions, externalId, body })),
          );
          const r = held.result;
          for (const e of held.events) events.push(e);
          const outcome = !r.changed ? 'unchanged' : r.created ? 'created' : 'updated';
          results.push({ line: row.line, outcome, result: { accountId: r.accountId, invitationId: r.invitationId, status: r.status } });
        } catch (err) {
          if (!(err instanceof AppError)) throw err; // the database or the process failed: the whole batch runs again
          const fields = (err.details as { fields?: Record<string, unknown> } | undefined)?.fields;
          results.push({
            line: row.line,
            outcome: 'failed',
            result: { error: { status: err.status, code: err.code, message: err.message, ...(fields ? { fields } : {}) } },
          });
        }
      }
      for (const r of results) counts[r.outcome]++;
      await repo.saveResults(tx, batchId, results);
      done += slice.length;
      after = slice.at(-1)?.line ?? after;
      await reportProgress(ctx, batchId, Math.floor((99 * done) / batch.total), done);
    }
    await recordHeldEventsGrouped(tx, ctx.jobs, batch.orgId, events, { batchId });
    await repo.finishBatch(tx, batchId, counts, done);
    await recordAudit(tx, {
      orgId: batch.orgId,
      actor,
      action: 'people.batch_applied',
      targetType: 'people_batch',
      targetId: batchId,
      data: counts,
    });
  });
}

/** Progress is written on another connection (outside the batch's transaction) so a poll sees it move; PGlite has one connection. */
async function reportProgress(ctx: AppContext, batchId: string, percent: number, rowsDone: number): Promise<void> {
  if (ctx.database.kind !== 'pg') return;
  await ctx.database
    .query('UPDATE people_batches SET progress = $2, rows_done = $3, heartbeat_at = now() WHERE id = $1', [batchId, percent, rowsDone])
    .catch(() => {});
}

/** Batches whose run was lost (no heartbeat for two minutes, no live apply holding the lock) are queued again. */
async function sweepStalledBatches(ctx: AppContext): Promise<void> {
  for (const id of await repo.stalledBatches(ctx.db)) {
    const busy = await ctx.db.transaction((tx) => repo.isBatchBusy(tx, id));
    if (!busy) await ctx.jobs.send(RUN, { batchId: id });
  }
}

export const peopleBatchJobs: JobDefinition[] = [
  { name: RUN, schema: z.object({ batchId: z.string().uuid() }), handler: runBatch, retryLimit: 5 },
  { name: SWEEP, schema: z.object({}).passthrough(), handler: (ctx) => sweepStalledBatches(ctx), cron: '* * * * *' },
];
