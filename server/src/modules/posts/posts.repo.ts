import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { scopedGroupIds } from '../../http/group-scope.js';
import { queryRows, uuidArray } from '../../lib/sql.js';

// SQL of the group space. Every statement names the organization in its WHERE.

/** What the viewer is to a group: its role in the organization, and whether it is in the group, observes it, or manages it. */
export type SpaceAccessRow = { role: string; member: boolean; observer: boolean; inScope: boolean };
/** What the viewer is to a program session: its role, and whether it is enrolled in it or its referent. */
export type SessionAccessRow = { role: string; enrolled: boolean; referent: boolean };

/** A space: a group's, or the discussion of a program session. */
export type SpaceRef = { kind: 'group'; id: string } | { kind: 'session'; id: string };

export type PostRow = {
  id: string;
  orgId: string;
  groupId: string | null;
  sessionId: string | null;
  /** The group's name, or the session's program title. */
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
  /** The viewer is an admin or owner of the organization, observes the post's group, or is the session's referent. */
  moderator: boolean;
  imageKey: string | null;
  imageType: string | null;
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

/**
 * Who answers for a program session's discussion: the program's referent, or else the default
 * referents of the groups the session is assigned to.
 */
export const sessionReferents = (orgId: SQL | string, sessionId: SQL | string) => sql`
  SELECT pr.referent_id FROM program_sessions rs JOIN programs pr ON pr.org_id = rs.org_id AND pr.id = rs.program_id
  WHERE rs.org_id = ${orgId} AND rs.id = ${sessionId} AND pr.referent_id IS NOT NULL
  UNION
  SELECT g.default_referent_id FROM program_sessions rs JOIN programs pr ON pr.org_id = rs.org_id AND pr.id = rs.program_id
  JOIN assignments ra ON ra.org_id = rs.org_id AND ra.session_id = rs.id
  JOIN groups g ON g.org_id = ra.org_id AND g.id = ra.group_id
  WHERE rs.org_id = ${orgId} AND rs.id = ${sessionId} AND pr.referent_id IS NULL AND g.default_referent_id IS NOT NULL`;

/** null when the viewer is no active member of the organization or the session is not the organization's. */
export async function findSessionAccess(
  db: Db,
  o: { orgId: string; sessionId: string; accountId: string },
): Promise<SessionAccessRow | null> {
  const [row] = await queryRows<SessionAccessRow>(
    db,
    sql`SELECT m.role,
          EXISTS (SELECT 1 FROM enrolments e WHERE e.org_id = ${o.orgId} AND e.session_id = ${o.sessionId} AND e.account_id = ${o.accountId}) AS enrolled,
          ${o.accountId}::uuid IN (${sessionReferents(o.orgId, o.sessionId)}) AS referent
        FROM memberships m JOIN program_sessions s ON s.org_id = m.org_id AND s.id = ${o.sessionId}
        WHERE m.org_id = ${o.orgId} AND m.account_id = ${o.accountId} AND m.status = 'active'`,
  );
  return row ?? null;
}

const spaceWhere = (space: SpaceRef) => (space.kind === 'group' ? sql`p.group_id = ${space.id}` : sql`p.session_id = ${space.id}`);

const postSelect = (viewerId: string) => sql`SELECT p.id, p.org_id AS "orgId", p.group_id AS "groupId", p.session_id AS "sessionId",
    coalesce(g.name, (SELECT pr.title FROM program_sessions ps JOIN programs pr ON pr.org_id = ps.org_id AND pr.id = ps.program_id
      WHERE ps.org_id = p.org_id AND ps.id = p.session_id)) AS "groupName",
    p.author_id AS "authorId", a.name AS "authorName", p.body, p.pinned, p.created_at AS "createdAt", p.edited_at AS "editedAt",
    p.image_key AS "imageKey", p.image_type AS "imageType",
    ${AT(sql`p.created_at`)} AS at,
    (SELECT count(*)::int FROM post_comments c WHERE c.org_id = p.org_id AND c.post_id = p.id AND c.deleted_at IS NULL) AS "commentCount",
    (EXISTS (SELECT 1 FROM memberships vm WHERE vm.org_id = p.org_id AND vm.account_id = ${viewerId} AND vm.status = 'active' AND vm.role IN ('owner', 'admin'))
      OR EXISTS (SELECT 1 FROM group_observers vo WHERE vo.org_id = p.org_id AND vo.group_id = p.group_id AND vo.account_id = ${viewerId})
      OR (p.session_id IS NOT NULL AND ${viewerId}::uuid IN (${sessionReferents(sql`p.org_id`, sql`p.session_id`)}))) AS moderator
  FROM posts p LEFT JOIN groups g ON g.org_id = p.org_id AND g.id = p.group_id JOIN accounts a ON a.id = p.author_id`;

/** A space's posts, pinned first, then newest; `after` is the last row's [pinned, at, id]. */
export async function listSpacePosts(
  db: Db,
  o: { orgId: string; space: SpaceRef; viewerId: string; limit: number; after: [boolean, string, string] | null },
): Promise<PostRow[]> {
  const after = o.after
    ? sql`AND (p.pinned, p.created_at, p.id) < (${o.after[0]}, ${o.after[1]}::timestamptz, ${o.after[2]}::uuid)`
    : sql``;
  return queryRows<PostRow>(
    db,
    sql`${postSelect(o.viewerId)}
      WHERE p.org_id = ${o.orgId} AND ${spaceWhere(o.space)} AND p.deleted_at IS NULL ${after}
      ORDER BY p.pinned DESC, p.created_at DESC, p.id DESC LIMIT ${o.limit + 1}`,
  );
}

/**
 * The newest posts of the groups the account is an active member of and of the sessions it is enrolled
 * in (one organization or all); `after` is [at, id]. Each kind is cut to a page first, on its index.
 */
export async function listFeedPosts(
  db: Db,
  o: { accountId: string; orgId?: string; limit: number; after: [string, string] | null },
): Promise<PostRow[]> {
  const org = o.orgId ? sql`AND m.org_id = ${o.orgId}` : sql``;
  const after = (alias: string) =>
    o.after ? sql`AND (${sql.raw(alias)}.created_at, ${sql.raw(alias)}.id) < (${o.after[0]}::timestamptz, ${o.after[1]}::uuid)` : sql``;
  return queryRows<PostRow>(
    db,
    sql`${postSelect(o.accountId)}
      WHERE p.id IN (
        (SELECT gp.id FROM posts gp WHERE gp.deleted_at IS NULL ${after('gp')}
          AND (gp.org_id, gp.group_id) IN (
            SELECT gm.org_id, gm.group_id FROM group_members gm
            JOIN memberships m ON m.org_id = gm.org_id AND m.account_id = gm.account_id AND m.status = 'active'
            WHERE gm.account_id = ${o.accountId} ${org})
          ORDER BY gp.created_at DESC, gp.id DESC LIMIT ${o.limit + 1})
        UNION ALL
        (SELECT sp.id FROM posts sp WHERE sp.deleted_at IS NULL ${after('sp')}
          AND (sp.org_id, sp.session_id) IN (
            SELECT e.org_id, e.session_id FROM enrolments e
            JOIN memberships m ON m.org_id = e.org_id AND m.account_id = e.account_id AND m.status = 'active'
            WHERE e.account_id = ${o.accountId} ${org})
          ORDER BY sp.created_at DESC, sp.id DESC LIMIT ${o.limit + 1}))
      ORDER BY p.created_at DESC, p.id DESC LIMIT ${o.limit + 1}`,
  );
}

/** One live post of a space. */
export async function findPost(db: Db, o: { orgId: string; space: SpaceRef; postId: string; viewerId: string }): Promise<PostRow | null> {
  const [row] = await queryRows<PostRow>(
    db,
    sql`${postSelect(o.viewerId)} WHERE p.org_id = ${o.orgId} AND ${spaceWhere(o.space)} AND p.id = ${o.postId} AND p.deleted_at IS NULL`,
  );
  return row ?? null;
}

export async function insertPost(
  db: Db,
  o: { orgId: string; space: SpaceRef; authorId: string; body: string; at: Date; image: { key: string; type: string } | null },
): Promise<string> {
  const groupId = o.space.kind === 'group' ? o.space.id : null;
  const sessionId = o.space.kind === 'session' ? o.space.id : null;
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO posts (org_id, group_id, session_id, author_id, body, created_at, image_key, image_type)
      VALUES (${o.orgId}, ${groupId}::uuid, ${sessionId}::uuid, ${o.authorId}, ${o.body}, ${o.at.toISOString()}::timestamptz, ${o.image?.key ?? null}, ${o.image?.type ?? null})
      RETURNING id`,
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

/** Marks the post deleted and forgets its image; answers the image's storage key, to remove after commit. */
export async function softDeletePost(db: Db, o: { orgId: string; postId: string; at: Date }): Promise<string | null> {
  const [row] = await queryRows<{ key: string | null }>(
    db,
    sql`UPDATE posts p SET deleted_at = ${o.at.toISOString()}::timestamptz, image_key = NULL, image_type = NULL
      FROM (SELECT id, image_key FROM posts WHERE org_id = ${o.orgId} AND id = ${o.postId} FOR UPDATE) old
      WHERE p.id = old.id RETURNING old.image_key AS key`,
  );
  return row?.key ?? null;
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
