import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../lib/sql.js';
import { type SpaceRef, sessionReferents } from './posts.repo.js';

// The pending notifications and their open windows (migrations 0015 and 0018): observers of a group
// hear of its space as they chose (every post, batched; a daily summary; nothing), the referent of a
// session hears of its discussion, batched.

export const NOTIFY_MODES = ['every', 'daily', 'none'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** A window opened by a novelty: the recipient, and whether it is the day-long one. */
export type OpenedWindow = { accountId: string; daily: boolean };

/** Who hears of a novelty in a space, and in which window; the author never hears of its own words. */
const recipients = (orgId: string, space: SpaceRef, authorId: string) =>
  space.kind === 'group'
    ? sql`SELECT o.account_id, coalesce(st.mode, 'every') = 'daily' AS daily FROM group_observers o
        JOIN memberships m ON m.org_id = o.org_id AND m.account_id = o.account_id AND m.status = 'active'
        LEFT JOIN space_notify_settings st ON st.org_id = o.org_id AND st.group_id = o.group_id AND st.account_id = o.account_id
        WHERE o.org_id = ${orgId} AND o.group_id = ${space.id} AND o.account_id <> ${authorId} AND coalesce(st.mode, 'every') <> 'none'`
    : sql`SELECT m.account_id, false AS daily FROM memberships m
        WHERE m.org_id = ${orgId} AND m.status = 'active' AND m.account_id <> ${authorId}
          AND m.account_id IN (${sessionReferents(orgId, space.id)})`;

/**
 * Writes one pending notification per recipient of the novelty, and opens a window for those who had
 * none of that kind. Returns the windows this opened: each needs its job.
 */
export async function addPending(
  db: Db,
  o: {
    orgId: string;
    space: SpaceRef;
    postId: string;
    commentId: string | null;
    authorId: string;
    dueAt: Date;
    dailyDueAt: Date;
  },
): Promise<OpenedWindow[]> {
  return queryRows<OpenedWindow>(
    db,
    sql`WITH rcpt AS (${recipients(o.orgId, o.space, o.authorId)}), pending AS (
        INSERT INTO space_notifications (org_id, account_id, post_id, comment_id, daily)
        SELECT ${o.orgId}, account_id, ${o.postId}, ${o.commentId}::uuid, daily FROM rcpt RETURNING 1
      )
      INSERT INTO space_notify_windows (org_id, account_id, daily, due_at)
      SELECT ${o.orgId}, account_id, daily,
        CASE WHEN daily THEN ${o.dailyDueAt.toISOString()}::timestamptz ELSE ${o.dueAt.toISOString()}::timestamptz END FROM rcpt
      ON CONFLICT DO NOTHING RETURNING account_id AS "accountId", daily`,
  );
}

export type PendingItem = {
  kind: 'post' | 'comment';
  groupId: string | null;
  sessionId: string | null;
  groupName: string;
  postId: string;
  authorName: string;
  body: string;
};

/**
 * Closes the recipient's window and takes what is pending in it (still live; in groups it still
 * observes and has not muted, or sessions it still answers for; as an active member). null when no
 * window was open: another run sent it already.
 */
export async function takePending(db: Db, o: { orgId: string; accountId: string; daily: boolean }): Promise<PendingItem[] | null> {
  const closed = await queryRows(
    db,
    sql`DELETE FROM space_notify_windows WHERE org_id = ${o.orgId} AND account_id = ${o.accountId} AND daily = ${o.daily} RETURNING 1`,
  );
  if (closed.length === 0) return null;
  return queryRows<PendingItem>(
    db,
    sql`WITH taken AS (
        DELETE FROM space_notifications WHERE org_id = ${o.orgId} AND account_id = ${o.accountId} AND daily = ${o.daily}
        RETURNING post_id, comment_id, created_at, id
      )
      SELECT CASE WHEN t.comment_id IS NULL THEN 'post' ELSE 'comment' END AS kind, p.group_id AS "groupId", p.session_id AS "sessionId",
        coalesce(g.name, pr.title) AS "groupName", p.id AS "postId", a.name AS "authorName", coalesce(c.body, p.body) AS body
      FROM taken t
      JOIN posts p ON p.org_id = ${o.orgId} AND p.id = t.post_id AND p.deleted_at IS NULL
      LEFT JOIN post_comments c ON c.org_id = ${o.orgId} AND c.id = t.comment_id
      JOIN accounts a ON a.id = coalesce(c.author_id, p.author_id)
      LEFT JOIN groups g ON g.org_id = p.org_id AND g.id = p.group_id
      LEFT JOIN program_sessions s ON s.org_id = p.org_id AND s.id = p.session_id
      LEFT JOIN programs pr ON pr.org_id = s.org_id AND pr.id = s.program_id
      WHERE (t.comment_id IS NULL OR c.deleted_at IS NULL)
        AND CASE WHEN p.group_id IS NOT NULL THEN
          EXISTS (SELECT 1 FROM group_observers go
            LEFT JOIN space_notify_settings st ON st.org_id = go.org_id AND st.group_id = go.group_id AND st.account_id = go.account_id
            WHERE go.org_id = ${o.orgId} AND go.group_id = p.group_id AND go.account_id = ${o.accountId} AND coalesce(st.mode, 'every') <> 'none')
        ELSE ${o.accountId}::uuid IN (${sessionReferents(o.orgId, sql`p.session_id`)}) END
        AND EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = ${o.orgId} AND m.account_id = ${o.accountId} AND m.status = 'active')
      ORDER BY t.created_at, t.id`,
  );
}

/** Who the email goes to, and the organization's name. */
export async function findRecipient(
  db: Db,
  o: { orgId: string; accountId: string },
): Promise<{ email: string; locale: string; orgName: string } | null> {
  const [row] = await queryRows<{ email: string; locale: string; orgName: string }>(
    db,
    sql`SELECT a.email, a.locale, org.name AS "orgName" FROM accounts a JOIN organizations org ON org.id = ${o.orgId} WHERE a.id = ${o.accountId}`,
  );
  return row ?? null;
}

/** How an observer hears of a group's space ('every' until it chooses). */
export async function findNotifyMode(db: Db, o: { orgId: string; groupId: string; accountId: string }): Promise<NotifyMode> {
  const [row] = await queryRows<{ mode: NotifyMode }>(
    db,
    sql`SELECT mode FROM space_notify_settings WHERE org_id = ${o.orgId} AND group_id = ${o.groupId} AND account_id = ${o.accountId}`,
  );
  return row?.mode ?? 'every';
}

/** Records an observer's choice; false when it does not observe the group (the foreign key finds no link). */
export async function saveNotifyMode(db: Db, o: { orgId: string; groupId: string; accountId: string; mode: NotifyMode; at: Date }) {
  const rows = await queryRows(
    db,
    sql`INSERT INTO space_notify_settings (org_id, group_id, account_id, mode, updated_at)
      SELECT go.org_id, go.group_id, go.account_id, ${o.mode}, ${o.at.toISOString()}::timestamptz FROM group_observers go
      WHERE go.org_id = ${o.orgId} AND go.group_id = ${o.groupId} AND go.account_id = ${o.accountId}
      ON CONFLICT (org_id, group_id, account_id) DO UPDATE SET mode = EXCLUDED.mode, updated_at = EXCLUDED.updated_at
      RETURNING 1`,
  );
  return rows.length > 0;
}
