import type { ReminderOverride } from '../invitations/reminders.schemas.js';
import { sql } from 'drizzle-orm';
import type { JobQueue } from '../../jobs/queue.js';
import { tsParam } from '../../lib/sql.js';
import { hashTokenSql, newTokenSql } from '../../lib/sql-tokens.js';
import { queueEmailsFrom } from '../../mail/outbox.js';
import type { ApplyCtx } from './apply-decide.js';

export type ImportMail = {
  orgName: string;
  actor: { id: string; name: string; email: string; locale: string } | null;
  sendAt?: Date;
  /** The import's own invitation reminders (issue 14), kept on each invitation it makes. */
  reminders?: ReminderOverride;
};
/** A slice of the file's lines, [from, to). */
export type Lines = { from: number; to: number };

/** Mode `invite`, first: the new invitations will be their addresses' current ones (older declined or cancelled ones stay in the history). */
export async function retireCurrentInvitations({ tx, importId, orgId, now }: ApplyCtx): Promise<void> {
  await tx.execute(sql`
    UPDATE invitations i SET is_current = false, updated_at = ${tsParam(now)}
    WHERE i.org_id = ${orgId} AND i.is_current
      AND i.email_key IN (SELECT email_key FROM import_rows WHERE import_id = ${importId} AND result = 'invited')`);
}

/**
 * Mode `invite`: an email invitation (double opt-in) for every row of the slice decided 'invited' — the
 * invitations, their hashed tokens and the emails carrying the tokens in ONE statement, set-based: the
 * token is made by the database and never passes through this process.
 */
export async function inviteRows(
  { tx, importId, orgId, now }: ApplyCtx,
  jobs: JobQueue,
  mail: ImportMail,
  ttlDays: number | null,
  lines: Lines,
): Promise<number> {
  const expiresAt = ttlDays ? new Date((mail.sendAt ?? now).getTime() + ttlDays * 86400_000).toISOString() : null;
  const inviter = mail.actor?.name ?? mail.orgName;
  return queueEmailsFrom(tx, jobs, {
    startAfter: mail.sendAt,
    ctes: sql`
      src AS MATERIALIZED (
        SELECT troupe_uuid_v7() AS id, ${newTokenSql()} AS token, r.email, r.email_key, coalesce(r.role, 'learner') AS role, r.location_id, r.group_ids
        FROM import_rows r WHERE r.import_id = ${importId} AND r.line >= ${lines.from} AND r.line < ${lines.to} AND r.result = 'invited' ORDER BY r.line
      ),
      invited AS (
        INSERT INTO invitations (id, org_id, kind, email, email_key, role, location_id, group_ids, invited_by, send_at, expires_at, created_at, updated_at)
        SELECT id, ${orgId}::uuid, 'email', email, email_key, role, location_id, group_ids, ${mail.actor?.id ?? null}::uuid,
               ${mail.sendAt?.toISOString() ?? null}::timestamptz, ${expiresAt}::timestamptz, ${tsParam(now)}, ${tsParam(now)}
        FROM src
        ON CONFLICT DO NOTHING
        RETURNING id
      ),
      -- An address invited meanwhile by a concurrent request keeps that open invitation (one per address):
      -- the row is skipped as already invited, and that invitation stays the address's current one.
      -- Both updates run only when an address was lost (EXISTS, evaluated once): otherwise the planner,
      -- which thinks the organization has few open invitations, read all of them at every batch (each
      -- batch more: 14 s over the 100 batches of a 1,000,000-row import).
      lost AS (SELECT id, email_key FROM src WHERE id NOT IN (SELECT id FROM invited)),
      lost_rows AS (
        UPDATE import_rows r SET result = 'skipped', result_reason = 'already_invited'
        FROM lost WHERE EXISTS (SELECT 1 FROM lost) AND r.import_id = ${importId} AND r.line >= ${lines.from} AND r.line < ${lines.to} AND r.result = 'invited' AND r.email_key = lost.email_key
      ),
      kept_current AS (
        UPDATE invitations i SET is_current = true
        FROM lost WHERE EXISTS (SELECT 1 FROM lost) AND i.org_id = ${orgId} AND i.kind = 'email' AND i.status IN ('prospect', 'pending') AND i.email_key = lost.email_key
      ),
      ${
        mail.reminders
          ? sql`reminder_overrides AS (
        INSERT INTO invitation_reminders (invitation_id, org_id, enabled, after_days, max_count)
        SELECT id, ${orgId}::uuid, ${mail.reminders.enabled}, ${mail.reminders.afterDays ?? null}::int, ${mail.reminders.maxCount ?? null}::int FROM invited
      ),`
          : sql``
      }
      tokens AS (
        INSERT INTO invitation_tokens (token_hash, invitation_id, created_at)
        SELECT ${hashTokenSql(sql`token`)}, id, ${tsParam(now)} FROM src WHERE id IN (SELECT id FROM invited)
      ),
      -- The group names each distinct set of groups shows in the email (a file names a few dozen sets, not 100,000).
      group_sets AS (
        SELECT s.group_ids, to_jsonb(ARRAY(SELECT g.name FROM unnest(s.group_ids) WITH ORDINALITY u(id, n) JOIN groups g ON g.id = u.id ORDER BY u.n)) AS names
        FROM (SELECT DISTINCT group_ids FROM src) s
      )`,
    select: sql`
      SELECT ${orgId}::uuid, src.id, src.email, 'invitation', ${mail.actor?.locale ?? 'en'}::text,
             jsonb_build_object('token', src.token, 'orgName', ${mail.orgName}::text, 'inviterName', ${inviter}::text, 'email', src.email, 'message', NULL, 'groupNames', gs.names)
      FROM src JOIN invited USING (id) JOIN group_sets gs ON gs.group_ids = src.group_ids`,
  });
}
