import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type GroupScope, scopedGroupIds } from '../../http/group-scope.js';
import { groups } from '../../db/schema.js';
import { STAFF_ROLES } from '../../http/permissions.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { queryRows, uuidArray } from '../../lib/sql.js';

export type GroupRow = {
  id: string;
  orgId: string;
  parentId: string | null;
  name: string;
  description: string | null;
  welcomeMessage: string | null;
  logoKey: string | null;
  backgroundKey: string | null;
  defaultReferentId: string | null;
  createdAt: string | Date;
  updatedAt: string | Date;
};
export type GroupListRow = GroupRow & { nameKey: string; memberCount: number; subgroupCount: number };

const GROUP_COLUMNS = sql.raw(`g.id, g.org_id AS "orgId", g.parent_id AS "parentId", g.name, g.name_key AS "nameKey", g.description,
  g.welcome_message AS "welcomeMessage", g.logo_key AS "logoKey", g.background_key AS "backgroundKey",
  g.default_referent_id AS "defaultReferentId", g.created_at AS "createdAt", g.updated_at AS "updatedAt",
  (SELECT count(*)::int FROM group_members gm WHERE gm.org_id = g.org_id AND gm.group_id = g.id) AS "memberCount",
  (SELECT count(*)::int FROM groups c WHERE c.org_id = g.org_id AND c.parent_id = g.id) AS "subgroupCount"`);

/** One group of the organization, with its counts; null when absent or another organization's. */
export async function findGroup(db: Db, orgId: string, groupId: string, lock?: 'no key update'): Promise<GroupListRow | null> {
  const lockClause = lock ? sql` FOR NO KEY UPDATE OF g` : sql``;
  const [row] = await queryRows<GroupListRow>(
    db,
    sql`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.org_id = ${orgId} AND g.id = ${groupId}${lockClause}`,
  );
  return row ?? null;
}

/** A page of the organization's groups, by name. */
export async function listGroups(
  db: Db,
  o: { orgId: string; limit: number; cursor?: string; parentId?: string; q?: string; scope?: GroupScope },
) {
  const c = decodeCursor(o.cursor, 2) as [string, string] | null;
  const where: SQL[] = [sql`g.org_id = ${o.orgId}`];
  if (o.scope) where.push(sql`g.id IN (${scopedGroupIds(o.scope)})`);
  if (o.parentId === 'root') where.push(sql`g.parent_id IS NULL`);
  else if (o.parentId) where.push(sql`g.parent_id = ${o.parentId}`);
  if (o.q) where.push(sql`g.name_key LIKE ${`%${o.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
  if (c) where.push(sql`(g.name_key, g.id) > (${String(c[0])}, ${String(c[1])}::uuid)`);
  const rows = await queryRows<GroupListRow>(
    db,
    sql`SELECT ${GROUP_COLUMNS} FROM groups g WHERE ${sql.join(where, sql` AND `)} ORDER BY g.name_key, g.id LIMIT ${o.limit + 1}`,
  );
  return toPage(rows, o.limit, (r) => [r.nameKey, r.id]);
}

/** The ancestors of a group, from the top level down to its parent. */
export async function groupPath(db: Db, orgId: string, groupId: string): Promise<{ id: string; name: string }[]> {
  return queryRows(
    db,
    sql`WITH RECURSIVE up(id, depth) AS (
        SELECT parent_id, 1 FROM groups WHERE org_id = ${orgId} AND id = ${groupId} AND parent_id IS NOT NULL
        UNION ALL
        SELECT g.parent_id, up.depth + 1 FROM groups g JOIN up ON g.id = up.id WHERE g.org_id = ${orgId} AND g.parent_id IS NOT NULL AND up.depth < 1000
      )
      SELECT g.id, g.name FROM up JOIN groups g ON g.id = up.id ORDER BY up.depth DESC`,
  );
}

/** The group and every group below it. */
export async function subtreeIds(db: Db, orgId: string, groupId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`WITH RECURSIVE sub(id) AS (
        SELECT id FROM groups WHERE org_id = ${orgId} AND id = ${groupId}
        UNION
        SELECT g.id FROM groups g JOIN sub ON g.parent_id = sub.id WHERE g.org_id = ${orgId}
      )
      SELECT id FROM sub`,
  );
  return rows.map((r) => r.id);
}

/** Serializes moves within an organization, so two concurrent moves cannot close a cycle. */
export async function lockGroupTree(tx: Db, orgId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(724412, hashtext(${orgId}))`);
}

/** Deletes groups (their members, observers and assignments go with them); returns how many. */
export async function deleteGroups(tx: Db, orgId: string, ids: string[]): Promise<number> {
  const rows = await queryRows(tx, sql`DELETE FROM groups WHERE org_id = ${orgId} AND id = ANY(${uuidArray(ids)}) RETURNING id`);
  return rows.length;
}

/** The accounts among `ids` that are active members of the organization (with `staff`: owner, admin or manager). */
export async function activeMembersAmong(db: Db, orgId: string, ids: string[], o: { staff?: boolean } = {}): Promise<Set<string>> {
  const staff = o.staff
    ? sql` AND role IN (${sql.join(
        STAFF_ROLES.map((r) => sql`${r}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await queryRows<{ accountId: string }>(
    db,
    sql`SELECT account_id AS "accountId" FROM memberships WHERE org_id = ${orgId} AND status = 'active' AND account_id = ANY(${uuidArray(ids)})${staff}`,
  );
  return new Set(rows.map((r) => r.accountId));
}

/** Name and email of accounts, for presenting referents and observers. */
export async function findPeople(db: Db, ids: string[]): Promise<Map<string, { id: string; name: string; email: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; name: string; email: string }>(
    db,
    sql`SELECT id, name, email FROM accounts WHERE id = ANY(${uuidArray(ids)})`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export type GroupChanges = Partial<{
  name: string;
  nameKey: string;
  parentId: string | null;
  description: string | null;
  welcomeMessage: string | null;
  defaultReferentId: string | null;
  logoKey: string | null;
  backgroundKey: string | null;
}>;

/** Inserts a group; null when a sibling already has the name. */
export async function insertGroup(
  tx: Db,
  values: GroupChanges & { orgId: string; name: string; nameKey: string; now: Date },
): Promise<{ id: string } | null> {
  const { now, ...v } = values;
  const [row] = await tx
    .insert(groups)
    .values({ ...v, createdAt: now.toISOString(), updatedAt: now.toISOString() })
    .onConflictDoNothing()
    .returning({ id: groups.id });
  return row ?? null;
}

/** Updates a group of the organization; false when absent. A sibling-name clash throws a unique violation. */
export async function updateGroupRow(tx: Db, orgId: string, groupId: string, changes: GroupChanges, now: Date): Promise<boolean> {
  const rows = await tx
    .update(groups)
    .set({ ...changes, updatedAt: now.toISOString() })
    .where(and(eq(groups.orgId, orgId), eq(groups.id, groupId)))
    .returning({ id: groups.id });
  return rows.length > 0;
}
