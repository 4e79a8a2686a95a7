import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { toIso } from '../../lib/time.js';
import { queueEmails } from '../../mail/outbox.js';
import { unsealLink } from '../../mail/sealed-links.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../members/members.service.js';
import * as repo from './reminders.repo.js';
import type { ReminderOverride } from './reminders.schemas.js';

// Invitation reminders (issue 14): pending invitees are reminded after N days, at most M times (per
// organization, off until turned on; a batch or an import may choose otherwise). A reminder repeats the
// link of the invitation email (no new token: the sent email keeps it sealed), says when it was first
// sent, and goes through the same email batches (so the sending rate applies). Only delivered, open
// invitations are reminded: not before their scheduled send time, never once accepted, declined,
// cancelled or expired.

const REMIND = 'invitations.remind';
/** Reminders claimed per transaction. */
const PER_CLAIM = 5000;

export async function reminderSettings(ctx: AppContext, o: { orgId: string }) {
  return repo.findSettings(ctx.db, o.orgId);
}

/** Turns reminders on or off for the organization, with their interval and maximum; recorded in the audit log. */
export async function updateReminderSettings(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; enabled: boolean; afterDays: number; maxCount: number },
) {
  return ctx.db.transaction(async (tx) => {
    const settings = { enabled: o.enabled, afterDays: o.afterDays, maxCount: o.maxCount };
    await repo.saveSettings(tx, o.orgId, settings);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'invitation.reminders_updated',
      targetType: 'organization',
      targetId: o.orgId,
      ip: o.actor.ip,
      data: settings,
    });
    return settings;
  });
}

/** Keeps a batch's or an import's reminder choice on its invitations, in the caller's transaction. */
export async function saveReminderOverride(tx: Db, o: { orgId: string; invitationIds: string[]; override?: ReminderOverride }) {
  if (o.override) await repo.saveOverrides(tx, { orgId: o.orgId, invitationIds: o.invitationIds, override: o.override });
}

/** "Reminded 2×, last on …" for each invitation of a page that was reminded. */
export async function remindedByInvitation(ctx: Pick<AppContext, 'db'>, orgId: string, invitationIds: string[]) {
  const rows = await repo.remindedOf(ctx.db, orgId, invitationIds);
  return new Map(rows.map((r) => [r.invitationId, { count: r.count, lastAt: toIso(r.lastAt) }]));
}

/** An invitation was accepted or declined: a reminder still waiting to go does not leave. */
export const dropQueuedReminders = (tx: Db, invitationId: string) => repo.cancelQueuedReminders(tx, invitationId);

/** Sends the reminders due now; returns how many were claimed. Safe to run twice (the claim is in the database). */
export async function sendReminders(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  let total = 0;
  for (;;) {
    const claimed = await ctx.db.transaction(async (tx) => {
      const rows = await repo.claimDue(tx, { now, limit: PER_CLAIM });
      const items = rows.flatMap((r) => {
        const token = r.token ?? (r.sealedToken ? unsealLink(r.sealedToken, ctx.config.sessionSecret) : null);
        if (!token) {
          ctx.log.warn({ invitationId: r.invitationId }, 'invitation reminder skipped: its link cannot be read back');
          return [];
        }
        return [
          {
            to: r.email,
            template: 'invitation-reminder',
            locale: r.locale,
            orgId: r.orgId,
            refId: r.invitationId,
            params: {
              token,
              email: r.email,
              orgName: r.orgName,
              inviterName: r.inviterName ?? r.orgName,
              groupNames: r.groupNames,
              firstSentAt: toIso(r.firstSentAt),
              count: r.count,
            },
          },
        ];
      });
      await queueEmails(tx, ctx.jobs, items);
      return rows.length;
    });
    total += claimed;
    if (claimed < PER_CLAIM) return total;
  }
}

export const reminderJobs: JobDefinition[] = [
  // Every hour: a reminder is due at most an hour after its time.
  { name: REMIND, schema: z.object({}).passthrough(), handler: async (ctx) => void (await sendReminders(ctx)), cron: '20 * * * *' },
];
