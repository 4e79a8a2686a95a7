import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows, tsParam, uuidArray } from '../../lib/sql.js';
import type { ReminderOverride } from './reminders.schemas.js';

const DEFAULTS = { enabled: false, afterDays: 3, maxCount: 2 };

/** The organization's reminder settings (the defaults, off, when never set). */
export async function findSettings(db: Db, orgId: string) {
  const [row] = await queryRows<{ enabled: boolean; afterDays: number; maxCount: number }>(
    db,
    sql`SELECT enabled, after_days AS "afterDays", max_count AS "maxCount" FROM invitation_reminder_settings WHERE org_id = ${orgId}`,
  );
  return row ?? DEFAULTS;
}

export async function saveSettings(db: Db, orgId: string, s: { enabled: boolean; afterDays: number; maxCount: number }) {
  await db.execute(
    sql`INSERT INTO invitation_reminder_settings (org_id, enabled, after_days, max_count) VALUES (${orgId}, ${s.enabled}, ${s.afterDays}, ${s.maxCount})
        ON CONFLICT (org_id) DO UPDATE SET enabled = EXCLUDED.enabled, after_days = EXCLUDED.after_days, max_count = EXCLUDED.max_count, updated_at = now()`,
  );
}

/** A batch's or an import's choice, on each of its invitations (one statement). */
export async function saveOverrides(db: Db, o: { orgId: string; invitationIds: string[]; override: ReminderOverride }) {
  if (o.invitationIds.length === 0) return;
  await db.execute(
    sql`INSERT INTO invitation_reminders (invitation_id, org_id, enabled, after_days, max_count)
        SELECT id, ${o.orgId}, ${o.override.enabled}, ${o.override.afterDays ?? null}::int, ${o.override.maxCount ?? null}::int
        FROM unnest(${uuidArray(o.invitationIds)}) AS id
        ON CONFLICT (invitation_id) DO UPDATE SET enabled = EXCLUDED.enabled, after_days = EXCLUDED.after_days, max_count = EXCLUDED.max_count`,
  );
}

/** Reminders sent, per invitation of a page of the list. */
export async function remindedOf(db: Db, orgId: string, invitationIds: string[]) {
  if (invitationIds.length === 0) return [];
  return queryRows<{ invitationId: string; count: number; lastAt: string | null }>(
    db,
    sql`SELECT invitation_id AS "invitationId", sent_count AS count, last_sent_at AS "lastAt" FROM invitation_reminders
        WHERE org_id = ${orgId} AND invitation_id = ANY(${uuidArray(invitationIds)}) AND sent_count > 0`,
  );
}

export type ClaimedReminder = {
  invitationId: string;
  orgId: string;
  orgName: string;
  email: string;
  locale: string;
  inviterName: string | null;
  groupNames: string[];
  firstSentAt: string;
  count: number;
  token: string | null;
  sealedToken: string | null;
};

/**
 * Claims up to `limit` due reminders, set-based: open (pending, current, not expired) email invitations
 * whose link was delivered, reminders on (the invitation's override, else the organization's), fewer
 * sent than the maximum, and the interval past since the last one (or the first email). The claim moves
 * sent_count from n to n + 1 only if it is still n: a second run, at once or concurrently, claims nothing.
 */
export async function claimDue(tx: Db, o: { now: Date; limit: number }): Promise<ClaimedReminder[]> {
  const now = tsParam(o.now);
  const claimed = await queryRows<{ invitationId: string; count: number }>(
    tx,
    sql`WITH due AS (
          SELECT i.id, i.org_id, coalesce(r.sent_count, 0) AS n
          FROM invitations i
          LEFT JOIN invitation_reminder_settings s ON s.org_id = i.org_id
          LEFT JOIN invitation_reminders r ON r.invitation_id = i.id
          WHERE i.status = 'pending' AND i.kind = 'email' AND i.is_current AND i.sent_at IS NOT NULL
            AND (i.expires_at IS NULL OR i.expires_at > ${now})
            AND coalesce(r.enabled, s.enabled, false)
            AND coalesce(r.sent_count, 0) < coalesce(r.max_count, s.max_count, 2)
            AND coalesce(r.last_sent_at, i.sent_at) <= ${now} - make_interval(days => coalesce(r.after_days, s.after_days, 3))
            AND EXISTS (SELECT 1 FROM emails e WHERE e.ref_id = i.id AND e.template = 'invitation' AND e.status = 'sent'
                          AND (e.params ? 'sealedToken' OR e.params ? 'token'))
          ORDER BY i.sent_at, i.id
          LIMIT ${o.limit}
          FOR UPDATE OF i SKIP LOCKED
        )
        INSERT INTO invitation_reminders (invitation_id, org_id, sent_count, last_sent_at)
        SELECT id, org_id, n + 1, ${now} FROM due
        ON CONFLICT (invitation_id) DO UPDATE SET sent_count = EXCLUDED.sent_count, last_sent_at = EXCLUDED.last_sent_at
          WHERE invitation_reminders.sent_count = EXCLUDED.sent_count - 1
        RETURNING invitation_id AS "invitationId", sent_count AS count`,
  );
  if (claimed.length === 0) return [];
  return queryRows<ClaimedReminder>(
    tx,
    sql`WITH c AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(claimed)}::jsonb) AS c("invitationId" uuid, count int))
        SELECT i.id AS "invitationId", i.org_id AS "orgId", org.name AS "orgName", i.email, coalesce(last.locale, 'en') AS locale,
               inviter.name AS "inviterName", c.count,
               to_jsonb(ARRAY(SELECT g.name FROM unnest(i.group_ids) WITH ORDINALITY u(id, n) JOIN groups g ON g.id = u.id ORDER BY u.n)) AS "groupNames",
               coalesce(first.sent_at, i.sent_at) AS "firstSentAt",
               last.params->>'token' AS token, last.params->>'sealedToken' AS "sealedToken"
        FROM c
        JOIN invitations i ON i.id = c."invitationId"
        JOIN organizations org ON org.id = i.org_id
        LEFT JOIN accounts inviter ON inviter.id = i.invited_by
        LEFT JOIN LATERAL (SELECT min(e.sent_at) AS sent_at FROM emails e WHERE e.ref_id = i.id AND e.template = 'invitation' AND e.status = 'sent') first ON true
        LEFT JOIN LATERAL (SELECT e.params, e.locale FROM emails e WHERE e.ref_id = i.id AND e.template = 'invitation' AND e.status = 'sent'
                           ORDER BY e.sent_at DESC, e.id DESC LIMIT 1) last ON true`,
  );
}

/** Reminders waiting to go for an invitation that was just accepted or declined: they do not leave. */
export async function cancelQueuedReminders(tx: Db, invitationId: string) {
  await tx.execute(
    sql`UPDATE emails SET status = 'cancelled' WHERE ref_id = ${invitationId} AND template = 'invitation-reminder' AND status IN ('queued', 'failed')`,
  );
}
