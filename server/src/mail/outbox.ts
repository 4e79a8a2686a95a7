import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Db } from '../db/client.js';
import { emails } from '../db/schema.js';
import type { JobDefinition, JobQueue } from '../jobs/queue.js';
import { queryCount } from '../lib/sql.js';
import { renderEmail } from './render.js';

export type QueuedEmail = {
  to: string;
  template: string;
  locale?: string;
  params?: Record<string, unknown>;
  orgId?: string | null;
  refId?: string | null;
};

/** What happens after the SMTP server accepted a message of a template (e.g. an invitation becomes pending). */
const afterSend = new Map<string, (ctx: AppContext, email: { id: string; refId: string | null }) => Promise<void>>();
export function onEmailSent(template: string, fn: (ctx: AppContext, email: { id: string; refId: string | null }) => Promise<void>): void {
  afterSend.set(template, fn);
}

/** What happens when delivery of a template failed (it will be retried). */
const afterFail = new Map<string, (ctx: AppContext, email: { id: string; refId: string | null }, error: string) => Promise<void>>();
export function onEmailFailed(
  template: string,
  fn: (ctx: AppContext, email: { id: string; refId: string | null }, error: string) => Promise<void>,
): void {
  afterFail.set(template, fn);
}

/** Above this many messages, one batch job sends them all (instead of one job each). */
const BATCH_THRESHOLD = 50;

/** Writes emails and their send jobs in the caller's transaction: nothing leaves before it commits. */
export async function queueEmails(tx: Db, jobs: JobQueue, items: QueuedEmail[], opts: { startAfter?: Date } = {}): Promise<string[]> {
  if (items.length === 0) return [];
  const batchId = items.length > BATCH_THRESHOLD ? randomUUID() : null;
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
  if (batchId) await jobs.send(SEND_BATCH, { batchId }, { tx, startAfter: opts.startAfter });
  else
    await jobs.sendMany(
      SEND_EMAIL,
      ids.map((emailId) => ({ emailId })),
      { tx, startAfter: opts.startAfter },
    );
  return ids;
}

/**
 * Writes the emails that `select` yields — columns (org_id, ref_id, to_address, template, locale, params),
 * any number of rows — with one INSERT … SELECT in the caller's transaction, as one batch sent by one job.
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
  if (n > 0) await jobs.send(SEND_BATCH, { batchId }, { tx, startAfter: o.startAfter });
  return n;
}

const SEND_EMAIL = 'email.send';
const SEND_BATCH = 'email.batch';
const STALE_CLAIM_MS = 5 * 60_000;

/** Sends one stored email. Claims it first, so two runs never both deliver it. */
async function sendEmail(ctx: AppContext, { emailId }: { emailId: string }): Promise<void> {
  const staleBefore = new Date(Date.now() - STALE_CLAIM_MS).toISOString();
  const [row] = await ctx.db
    .update(emails)
    .set({ status: 'sending', claimedAt: sql`now()`, attempts: sql`${emails.attempts} + 1` })
    .where(
      and(
        eq(emails.id, emailId),
        or(
          inArray(emails.status, ['queued', 'failed']),
          and(eq(emails.status, 'sending'), or(isNull(emails.claimedAt), lt(emails.claimedAt, staleBefore))),
        ),
      ),
    )
    .returning();
  if (!row) {
    // Already sent (perhaps by a run that died before its follow-up), cancelled, or being sent elsewhere.
    const [done] = await ctx.db
      .select({ id: emails.id, refId: emails.refId, template: emails.template, status: emails.status })
      .from(emails)
      .where(eq(emails.id, emailId));
    if (done?.status === 'sent') await afterSend.get(done.template)?.(ctx, done);
    return;
  }
  try {
    const { subject, html, text } = await renderEmail(row.template, row.locale, row.params, ctx.config.appUrl);
    await ctx.mailer.deliver({ messageId: `<${row.id}@troupe>`, from: ctx.config.mailFrom, to: row.toAddress, subject, text, html });
    // With real SMTP the message has left: drop the bodies and secrets so no token stays readable in the database.
    const keep = ctx.mailer.kind === 'mailbox';
    await ctx.db
      .update(emails)
      .set({
        status: 'sent',
        sentAt: sql`now()`,
        lastError: null,
        subject,
        textBody: keep ? text : null,
        htmlBody: keep ? html : null,
        params: keep ? row.params : {},
      })
      .where(eq(emails.id, row.id));
  } catch (err) {
    const message = String((err as Error).message).slice(0, 500);
    await ctx.db.update(emails).set({ status: 'failed', lastError: message }).where(eq(emails.id, row.id));
    await afterFail.get(row.template)?.(ctx, row, message);
    throw err;
  }
  const hook = afterSend.get(row.template);
  if (hook) await hook(ctx, { id: row.id, refId: row.refId });
}

/** Sends every unsent email of a batch, four at a time; failures are retried by running the batch again. */
async function sendBatch(ctx: AppContext, { batchId }: { batchId: string }): Promise<void> {
  const tried = new Set<string>();
  let failures = 0;
  for (;;) {
    const next = await ctx.db
      .select({ id: emails.id })
      .from(emails)
      .where(
        and(
          eq(emails.batchId, batchId),
          inArray(emails.status, ['queued', 'failed', 'sending']),
          tried.size ? notInArray(emails.id, [...tried].slice(-5000)) : undefined,
        ),
      )
      .orderBy(asc(emails.createdAt), asc(emails.id))
      .limit(200);
    const ids = next.map((r) => r.id).filter((id) => !tried.has(id));
    if (ids.length === 0) break;
    for (let i = 0; i < ids.length; i += 4) {
      const results = await Promise.allSettled(ids.slice(i, i + 4).map((emailId) => sendEmail(ctx, { emailId })));
      failures += results.filter((r) => r.status === 'rejected').length;
    }
    for (const id of ids) tried.add(id);
  }
  if (failures) throw new Error(`${failures} emails of batch ${batchId} could not be sent; they will be retried`);
}

export const emailJobs: JobDefinition[] = [
  { name: SEND_EMAIL, schema: z.object({ emailId: z.string().uuid() }), handler: sendEmail, concurrency: 2 },
  { name: SEND_BATCH, schema: z.object({ batchId: z.string().uuid() }), handler: sendBatch },
];
