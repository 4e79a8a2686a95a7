import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { invitationBatches } from '../../db/schema.js';
import { notFound } from '../../http/errors.js';
import type { JobDefinition } from '../../jobs/queue.js';
import type { Actor } from '../members/members.service.js';
import { parseAddressList, type Skipped, screenAddresses } from './address-list.js';
import { createEmailInvitations, type InviteRequest, validateInviteRequest } from './invite.service.js';
import { one } from '../../lib/rows.js';
import { saveReminderOverride } from './reminders.service.js';

const BATCH_JOB = 'invitations.batch';

/** A long address list (up to 100,000) is stored and invited by a background job; the answer comes at once. */
export async function queueInviteBatch(ctx: AppContext, o: { actor: Actor; orgId: string } & InviteRequest) {
  await validateInviteRequest(ctx, o);
  const total = parseAddressList(o.emails).length;
  const { actor, orgId, ...request } = o;
  return ctx.db.transaction(async (tx) => {
    const batch = one(
      await tx
        .insert(invitationBatches)
        .values({
          orgId,
          createdBy: actor.id,
          request: {
            ...request,
            actor: { id: actor.id, email: actor.email, name: actor.name, locale: actor.locale, role: actor.role, ip: actor.ip },
          },
        })
        .returning(),
      'invitation batch',
    );
    await ctx.jobs.send(BATCH_JOB, { batchId: batch.id }, { tx });
    return { batchId: batch.id, status: 'queued' as const, total, invited: null, skipped: null };
  });
}

/** Runs a batch in one transaction; the result is written in the same transaction, so a retry after a crash starts clean. */
async function runBatch(ctx: AppContext, { batchId }: { batchId: string }) {
  const [batch] = await ctx.db.select().from(invitationBatches).where(eq(invitationBatches.id, batchId));
  if (!batch || batch.status === 'done') return;
  const req = batch.request as InviteRequest & { actor: Actor };
  const { groupIds, sendAt, now } = await validateInviteRequest(ctx, { ...req, orgId: batch.orgId, actor: req.actor });
  const { valid, skipped } = screenAddresses(parseAddressList(req.emails));
  await ctx.db.transaction(async (tx) => {
    // The claim, in the transaction that invites: a second run (retry, another worker) waits for this
    // one on the batch's row, then finds it done and invites nobody twice.
    const [current] = await tx
      .select({ status: invitationBatches.status })
      .from(invitationBatches)
      .where(eq(invitationBatches.id, batchId))
      .for('update');
    if (!current || current.status === 'done') return;
    const res = await createEmailInvitations(ctx, tx, {
      ...req,
      actor: req.actor,
      orgId: batch.orgId,
      groupIds,
      sendAt,
      now,
      addresses: valid,
    });
    await saveReminderOverride(tx, { orgId: batch.orgId, invitationIds: res.items.map((i) => i.id), override: req.reminders });
    const allSkipped: Skipped[] = [...skipped, ...res.skipped];
    await tx
      .update(invitationBatches)
      .set({ status: 'done', finishedAt: sql`now()`, result: { invited: res.items.length, skipped: allSkipped } })
      .where(eq(invitationBatches.id, batchId));
  });
}

export async function getBatch(ctx: AppContext, o: { orgId: string; batchId: string }) {
  const [b] = await ctx.db
    .select()
    .from(invitationBatches)
    .where(sql`${invitationBatches.id} = ${o.batchId} AND ${invitationBatches.orgId} = ${o.orgId}`);
  if (!b) throw notFound('Invitation batch');
  const result = b.result as { invited: number; skipped: Skipped[] } | null;
  const total = parseAddressList((b.request as InviteRequest).emails).length;
  return {
    batchId: b.id,
    status: b.status as 'queued' | 'done',
    total,
    invited: result?.invited ?? null,
    skipped: result?.skipped ?? null,
  };
}

export const invitationJobs: JobDefinition[] = [
  { name: BATCH_JOB, schema: z.object({ batchId: z.string().uuid() }), handler: runBatch, retryLimit: 5 },
];
