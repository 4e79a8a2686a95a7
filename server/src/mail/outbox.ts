import { randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Db } from '../db/client.js';
import { emails } from '../db/schema.js';
import type { JobDefinition, JobQueue, JobRun } from '../jobs/queue.js';
import { queryCount } from '../lib/sql.js';
import type { MailHooks } from './hooks.js';
import { CHUNK, sendClaimed } from './send.js';

export type QueuedEmail = {
  to: string;
  template: string;
  locale?: string;
  params?: Record<string, unknown>;
  orgId?: string | null;
  refId?: string | null;
};

const SEND_EMAIL = 'email.send';
const SEND_BATCH = 'email.batch';
/** A large batch gets this many jobs at most: workers (and one worker's pool) send its chunks in parallel. */
const MAX_PARALLEL = 4;

/** Jobs for a batch of `n` messages: one per couple of chunks, up to MAX_PARALLEL; each claims chunks until none is left. */
async function queueBatchJobs(tx: Db, jobs: JobQueue, batchId: string, n: number, startAfter?: Date): Promise<void> {
  const parallel = Math.max(1, Math.min(MAX_PARALLEL, Math.ceil(n / (2 * CHUNK))));
  await jobs.sendMany(
    SEND_BATCH,
    Array.from({ length: parallel }, () => ({ batchId })),
    { tx, startAfter },
  );
}

/**
 * Writes emails and their send job in the caller's transaction: nothing leaves before it commits. Any
 * number of messages is one batch (never one job per message): a 20-address list is one job that a
 * worker fetches with others waiting (one round trip) and sends at once.
 */
export async function queueEmails(tx: Db, jobs: JobQueue, items: QueuedEmail[], opts: { startAfter?: Date } = {}): Promise<string[]> {
  if (items.length === 0) return [];
  const batchId = randomUUID();
  const ids: string[] = [];
  for (let i = 0; i < items.length; i += 1000) {
    const rows = await tx
      .insert(emails)
      .values(
        items.slice(i, i + 1000).map((m) => ({
          toAddress: m.to,
          template: m.template,
          locale: m.locale ?? 'en',
          params: m.params ?? {},
          orgId: m.orgId ?? null,
          refId: m.refId ?? null,
          batchId,
        })),
      )
      .returning({ id: emails.id });
    ids.push(...rows.map((r) => r.id));
  }
  await queueBatchJobs(tx, jobs, batchId, ids.length, opts.startAfter);
  return ids;
}

/**
 * Writes the emails that `select` yields — columns (org_id, ref_id, to_address, template, locale, params),
 * any number of rows — with one INSERT … SELECT in the caller's transaction, as one batch.
 * `ctes` (optional) are written before it in the same statement: data-modifying CTEs whose rows the
 * select reads (e.g. the invitations these emails announce). Nothing is built in memory: what 100,000
 * invitations of an import need. Returns how many emails were queued.
 */
export async function queueEmailsFrom(tx: Db, jobs: JobQueue, o: { ctes?: SQL; select: SQL; startAfter?: Date }): Promise<number> {
  const batchId = randomUUID();
  const n = await queryCount(
    tx,
    sql`WITH ${o.ctes ? sql`${o.ctes},` : sql``}
    queued AS (
      INSERT INTO emails (id, org_id, ref_id, batch_id, to_address, template, locale, params)
      SELECT troupe_uuid_v7(), m.org_id, m.ref_id, ${batchId}::uuid, m.to_address, m.template, m.locale, m.params
      FROM (${o.select}) AS m(org_id, ref_id, to_address, template, locale, params)
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM queued`,
  );
  if (n > 0) await queueBatchJobs(tx, jobs, batchId, n, o.startAfter);
  return n;
}

/** The email jobs, bound to the mail hooks of every feature (registered once at start). */
export function emailJobs(hooks: MailHooks): JobDefinition[] {
  const runBatch = async (ctx: AppContext, data: { batchId: string }, run: JobRun) => {
    const { more, failures, recheckAt } = await sendClaimed(ctx, hooks, data, run);
    // Time slice over, or the worker is stopping: the rest goes to whichever worker is free, at once.
    if (more) await ctx.jobs.send(SEND_BATCH, data);
    // Messages another worker claimed (it may have died): looked at again when those claims go stale.
    else if (recheckAt) await ctx.jobs.send(SEND_BATCH, data, { startAfter: recheckAt });
    if (failures) throw new Error(`${failures} emails of batch ${data.batchId} could not be sent; they will be retried`);
  };
  const runOne = async (ctx: AppContext, data: { emailId: string }, run: JobRun) => {
    const { failures, recheckAt } = await sendClaimed(ctx, hooks, { ids: [data.emailId] }, run);
    if (recheckAt) await ctx.jobs.send(SEND_EMAIL, data, { startAfter: recheckAt });
    if (failures) throw new Error(`email ${data.emailId} could not be sent; it will be retried`);
  };
  return [
    // Older single-message jobs (queued before batches of any size) still run.
    { name: SEND_EMAIL, schema: z.object({ emailId: z.string().uuid() }), handler: runOne, concurrency: 20 },
    { name: SEND_BATCH, schema: z.object({ batchId: z.string().uuid() }), handler: runBatch, concurrency: 20, retryDelaySeconds: 2 },
  ];
}
