import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../lib/sql.js';

// The observers' pending notifications and their open windows (see migration 0015).

/**
 * Writes one pending notification per active observer of the group (the author excepted), and opens a
 * window for those who had none. Returns the observers whose window this opened: each needs its job.
 */
export async function addPending(
  db: Db,
  o: { orgId: string; groupId: string; postId: string; commentId: string | null; authorId: string; dueAt: Date },
): Promise<string[]> {
  const rows = await queryRows<{ accountId: string }>(
    db,
    sql`WITH obs AS (
        SELECT o.account_id FROM group_observers o
        JOIN memberships m ON m.org_id = o.org_id AND m.account_id = o.account_id AND m.status = 'active'
        WHERE o.org_id = ${o.orgId} AND o.group_id = ${o.groupId} AND o.account_id <> ${o.authorId}
      ), pending AS (
        INSERT INTO space_notifications (org_id, account_id, post_id, comment_id)
        SELECT ${o.orgId}, account_id, ${o.postId}, ${o.commentId}::uuid FROM obs RETURNING 1
      )
      INSERT INTO space_notify_windows (org_id, account_id, due_at)
      SELECT ${o.orgId}, account_id, ${o.dueAt.toISOString()}::timestamptz FROM obs
      ON CONFLICT DO NOTHING RETURNING account_id AS "accountId"`,
  );
  return rows.map((r) => r.accountId);
}

export type PendingItem = {
  kind: 'post' | 'comment';
  groupId: string;
  groupName: string;
  postId: string;
  authorName: string;
  body: string;
};

/**
 * Closes the observer's window and takes what is pending (still live, in groups it still observes, as
 * an active member). null when no window was open: another run sent it already.
 */
export async function takePending(db: Db, o: { orgId: string; accountId: string }): Promise<PendingItem[] | null> {
  const closed = await queryRows(
    db,
    sql`DELETE FROM space_notify_windows WHERE org_id = ${o.orgId} AND account_id = ${o.accountId} RETURNING 1`,
  );
  if (closed.length === 0) return null;
  return queryRows<PendingItem>(
    db,
    sql`WITH taken AS (
        DELETE FROM space_notifications WHERE org_id = ${o.orgId} AND account_id = ${o.accountId}
        RETURNING post_id, comment_id, created_at, id
      )
      SELECT CASE WHEN t.comment_id IS NULL THEN 'post' ELSE 'comment' END AS kind, p.group_id AS "groupId", g.name AS "groupName",
        p.id AS "postId", a.name AS "authorName", coalesce(c.body, p.body) AS body
      FROM taken t
      JOIN posts p ON p.org_id = ${o.orgId} AND p.id = t.post_id AND p.deleted_at IS NULL
      LEFT JOIN post_comments c ON c.org_id = ${o.orgId} AND c.id = t.comment_id
      JOIN accounts a ON a.id = coalesce(c.author_id, p.author_id)
      JOIN groups g ON g.org_id = p.org_id AND g.id = p.group_id
      WHERE (t.comment_id IS NULL OR c.deleted_at IS NULL)
        AND EXISTS (SELECT 1 FROM group_observers go WHERE go.org_id = ${o.orgId} AND go.group_id = p.group_id AND go.account_id = ${o.accountId})
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
