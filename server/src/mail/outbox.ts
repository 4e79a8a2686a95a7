import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Db } from '../db/client.js';
import { emails } from '../db/schema.js';
import type { JobDefinition, JobQueue } from '../jobs/queue.js';
import { renderEmail } from './render.js';

export type QueuedEmail = { to: string; template: string; locale?: string; params?: Record<string, unknown>; orgId?: string | null; refId?: string | null };

/** What happens after the SMTP server accepted a message of a template (e.g. an invitation becomes pending). */
const afterSend = new Map<string, (ctx: AppContext, email: { id: string; refId: string | null }) => Promise<void>>();
export function onEmailSent(template: string, fn: (ctx: AppContext, email: { id: string; refId: string | null }) => Promise<void>): void {
  afterSend.set(template, fn);
}

/** What happens when delivery of a template failed (it will be retried). */
const afterFail = new Map<string, (ctx: AppContext, email: { id: string; refId: string | null }, error: string) => Promise<void>>();
export function onEmailFailed(template: string, fn: (ctx: AppContext, email: { id: string; refId: string | null }, error: string) => Promise<void>): void {
  afterFail.set(template, fn);
}

/** Writes emails and their send jobs in the caller's transaction: nothing leaves before it commits. */
export async function queueEmails(tx: Db, jobs: JobQueue, items: QueuedEmail[], opts: { startAfter?: Date } = {}): Promise<string[]> {
  if (items.length === 0) return [];
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
        })),
      )
      .returning({ id: emails.id });
    ids.push(...rows.map((r) => r.id));
  }
  await jobs.sendMany(
    SEND_EMAIL,
    ids.map((emailId) => ({ emailId })),
    { tx, startAfter: opts.startAfter },
  );
  return ids;
}

const SEND_EMAIL = 'email.send';
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
        or(inArray(emails.status, ['queued', 'failed']), and(eq(emails.status, 'sending'), or(isNull(emails.claimedAt), lt(emails.claimedAt, staleBefore)))),
      ),
    )
    .returning();
  if (!row) {
    // Already sent (perhaps by a run that died before its follow-up), cancelled, or being sent elsewhere.
    const [done] = await ctx.db.select({ id: emails.id, refId: emails.refId, template: emails.template, status: emails.status }).from(emails).where(eq(emails.id, emailId));
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
      .set({ status: 'sent', sentAt: sql`now()`, lastError: null, subject, textBody: keep ? text : null, htmlBody: keep ? html : null, params: keep ? row.params : {} })
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

export const emailJobs: JobDefinition[] = [
  { name: SEND_EMAIL, schema: z.object({ emailId: z.string().uuid() }), handler: sendEmail, concurrency: 2 },
];
