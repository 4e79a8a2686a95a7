import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { scopedGroupIds } from '../../http/group-scope.js';
import { queryRows, uuidArray } from '../../lib/sql.js';

// SQL of the group space. Every statement names the organization in its WHERE.

/** What the viewer is to a group: its role in the organization, and whether it is in the group, observes it, or manages it. */
export type SpaceAccessRow = { role: string; member: boolean; observer: boolean; inScope: boolean };

export type PostRow = {
  id: string;
  orgId: string;
  groupId: string;
  groupName: string;
  authorId: string;
  authorName: string;
  body: string;
  pinned: boolean;
  createdAt: string | Date;
  editedAt: string | Date | null;
  /** created_at to the microsecond, as text: what keyset cursors carry. */
  at: string;
  commentCount: number;
  /** The viewer is an admin or owner of the organization, or observes the post's group. */
  moderator: boolean;
};

export type CommentRow = {
  id: string;
  postId: string;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: string | Date;
  editedAt: string | Date | null;
  at: string;
};

const AT = (col: SQL) => sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** null when the viewer is no active member of the organization or the group is not the organization's. */
export async function findSpaceAccess(db: Db, o: { orgId: string; groupId: string; accountId: string }): Promise<SpaceAccessRow | null> {
  const [row] = await queryRows<SpaceAccessRow>(
    db,
    sql`SELECT m.role,
          EXISTS (SELECT 1 FROM group_members gm WHERE gm.org_id = ${o.orgId} AND gm.group_id = ${o.groupId} AND gm.account_id = ${o.accountId}) AS member,
          EXISTS (SELECT 1 FROM group_observers go WHERE go.org_id = ${o.orgId} AND go.group_id = ${o.groupId} AND go.account_id = ${o.accountId}) AS observer,
          (m.role = 'manager_limited' AND ${o.groupId}::uuid IN (${scopedGroupIds({ orgId: o.orgId, accountId: o.accountId })})) AS "inScope"
        FROM memberships m JOIN groups g ON g.org_id = m.org_id AND g.id = ${o.groupId}
        WHERE m.org_id = ${o.orgId} AND m.account_id = ${o.accountId} AND m.status = 'active'`,
  );
  return row ?? null;
}

const postSelect = (viewerId: string) => sql`SELECT p.id, p.org_id AS "orgId", p.group_id AS "groupId", g.name AS "groupName",
    p.author_id AS "authorId", a.name AS "authorName", p.body, p.pinned, p.created_at AS "createdAt", p.edited_at AS "editedAt",
    ${AT(sql`p.created_at`)} AS at,
    (SELECT count(*)::int FROM post_comments c WHERE c.org_id = p.org_id AND c.post_id = p.id AND c.deleted_at IS NULL) AS "commentCount",
    (EXISTS (SELECT 1 FROM memberships vm WHERE vm.org_id = p.org_id AND vm.account_id = ${viewerId} AND vm.status = 'active' AND vm.role IN ('owner', 'admin'))
      OR EXISTS (SELECT 1 FROM group_observers vo WHERE vo.org_id = p.org_id AND vo.group_id = p.group_id AND vo.account_id = ${viewerId})) AS moderator
  FROM posts p JOIN groups g ON g.org_id = p.org_id AND g.id = p.group_id JOIN accounts a ON a.id = p.author_id`;

/** A group's posts, pinned first, then newest; `after` is the last row's [pinned, at, id]. */
export async function listGroupPosts(
  db: Db,
  o: { orgId: string; groupId: string; viewerId: string; limit: number; after: [boolean, string, string] | null },
): Promise<PostRow[]> {
  const after = o.after
    ? sql`AND (p.pinned, p.created_at, p.id) < (${o.after[0]}, ${o.after[1]}::timestamptz, ${o.after[2]}::uuid)`
    : sql``;
  return queryRows<PostRow>(
    db,
    sql`${postSelect(o.viewerId)}
      WHERE p.org_id = ${o.orgId} AND p.group_id = ${o.groupId} AND p.deleted_at IS NULL ${after}
      ORDER BY p.pinned DESC, p.created_at DESC, p.id DESC LIMIT ${o.limit + 1}`,
  );
}

/** The newest posts of the groups the account is an active member of (one organization or all); `after` is [at, id]. */
export async function listFeedPosts(
  db: Db,
  o: { accountId: string; orgId?: string; limit: number; after: [string, string] | null },
): Promise<PostRow[]> {
  const org = o.orgId ? sql`AND gm.org_id = ${o.orgId}` : sql``;
  const after = o.after ? sql`AND (p.created_at, p.id) < (${o.after[0]}::timestamptz, ${o.after[1]}::uuid)` : sql``;
  return queryRows<PostRow>(
    db,
    sql`${postSelect(o.accountId)}
      WHERE p.deleted_at IS NULL ${after}
        AND (p.org_id, p.group_id) IN (
          SELECT gm.org_id, gm.group_id FROM group_members gm
          JOIN memberships m ON m.org_id = gm.org_id AND m.account_id = gm.account_id AND m.status = 'active'
          WHERE gm.account_id = ${o.accountId} ${org})
      ORDER BY p.created_at DESC, p.id DESC LIMIT ${o.limit + 1}`,
  );
}

/** One live post of a group. */
export async function findPost(db: Db, o: { orgId: string; groupId: string; postId: string; viewerId: string }): Promise<PostRow | null> {
  const [row] = await queryRows<PostRow>(
    db,
    sql`${postSelect(o.viewerId)} WHERE p.org_id = ${o.orgId} AND p.group_id = ${o.groupId} AND p.id = ${o.postId} AND p.deleted_at IS NULL`,
  );
  return row ?? null;
}

export async function insertPost(db: Db, o: { orgId: string; groupId: string; authorId: string; body: string; at: Date }): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO posts (org_id, group_id, author_id, body, created_at) VALUES (${o.orgId}, ${o.groupId}, ${o.authorId}, ${o.body}, ${o.at.toISOString()}::timestamptz) RETURNING id`,
  );
  if (!row) throw new Error('insertPost: no row');
  return row.id;
}

export async function updatePost(db: Db, o: { orgId: string; postId: string; body?: string; pinned?: boolean; at: Date }): Promise<void> {
  const sets: SQL[] = [];
  if (o.body !== undefined) sets.push(sql`body = ${o.body}, edited_at = ${o.at.toISOString()}::timestamptz`);
  if (o.pinned !== undefined) sets.push(sql`pinned = ${o.pinned}`);
  if (sets.length === 0) return;
  await db.execute(sql`UPDATE posts SET ${sql.join(sets, sql`, `)} WHERE org_id = ${o.orgId} AND id = ${o.postId} AND deleted_at IS NULL`);
}

export async function softDeletePost(db: Db, o: { orgId: string; postId: string; at: Date }): Promise<void> {
  await db.execute(sql`UPDATE posts SET deleted_at = ${o.at.toISOString()}::timestamptz WHERE org_id = ${o.orgId} AND id = ${o.postId}`);
}

const commentSelect = sql`SELECT c.id, c.post_id AS "postId", c.author_id AS "authorId", a.name AS "authorName", c.body,
    c.created_at AS "createdAt", c.edited_at AS "editedAt", ${AT(sql`c.created_at`)} AS at
  FROM post_comments c JOIN accounts a ON a.id = c.author_id`;

/** A post's comments, oldest first; `after` is [at, id]. */
export async function listComments(
  db: Db,
  o: { orgId: string; postId: string; limit: number; after: [string, string] | null },
): Promise<CommentRow[]> {
  const after = o.after ? sql`AND (c.created_at, c.id) > (${o.after[0]}::timestamptz, ${o.after[1]}::uuid)` : sql``;
  return queryRows<CommentRow>(
    db,
    sql`${commentSelect} WHERE c.org_id = ${o.orgId} AND c.post_id = ${o.postId} AND c.deleted_at IS NULL ${after}
      ORDER BY c.created_at, c.id LIMIT ${o.limit + 1}`,
  );
}

/** The last `n` comments of each post, oldest first. */
export async function listRecentComments(db: Db, o: { postIds: string[]; n: number }): Promise<CommentRow[]> {
  if (o.postIds.length === 0) return [];
  return queryRows<CommentRow>(
    db,
    sql`SELECT * FROM (
        SELECT r.*, row_number() OVER (PARTITION BY r."postId" ORDER BY r."createdAt" DESC, r.id DESC) AS rn
        FROM (${commentSelect} WHERE c.post_id = ANY(${uuidArray(o.postIds)}) AND c.deleted_at IS NULL) r
      ) x WHERE x.rn <= ${o.n} ORDER BY x."createdAt", x.id`,
  );
}

export async function findComment(db: Db, o: { orgId: string; postId: string; commentId: string }): Promise<CommentRow | null> {
  const [row] = await queryRows<CommentRow>(
    db,
    sql`${commentSelect} WHERE c.org_id = ${o.orgId} AND c.post_id = ${o.postId} AND c.id = ${o.commentId} AND c.deleted_at IS NULL`,
  );
  return row ?? null;
}

export async function insertComment(
  db: Db,
  o: { orgId: string; postId: string; authorId: string; body: string; at: Date },
): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO post_comments (org_id, post_id, author_id, body, created_at) VALUES (${o.orgId}, ${o.postId}, ${o.authorId}, ${o.body}, ${o.at.toISOString()}::timestamptz) RETURNING id`,
  );
  if (!row) throw new Error('insertComment: no row');
  return row.id;
}

export async function updateComment(db: Db, o: { orgId: string; commentId: string; body: string; at: Date }): Promise<void> {
  await db.execute(
    sql`UPDATE post_comments SET body = ${o.body}, edited_at = ${o.at.toISOString()}::timestamptz WHERE org_id = ${o.orgId} AND id = ${o.commentId} AND deleted_at IS NULL`,
  );
}

export async function softDeleteComment(db: Db, o: { orgId: string; commentId: string; at: Date }): Promise<void> {
  await db.execute(
    sql`UPDATE post_comments SET deleted_at = ${o.at.toISOString()}::timestamptz WHERE org_id = ${o.orgId} AND id = ${o.commentId}`,
  );
}
