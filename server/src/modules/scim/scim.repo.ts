import { and, desc, eq, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, scimGroups, scimLog, scimSettings, scimTokens, scimUsers } from '../../db/schema.js';
import { queryCount, queryRows, uuidArray } from '../../lib/sql.js';

// The SQL of SCIM provisioning. Every query of an organization's SCIM data is scoped by org_id.

export type TokenRow = typeof scimTokens.$inferSelect;
export type SettingsRow = typeof scimSettings.$inferSelect;
export type UserRow = typeof scimUsers.$inferSelect;

// --- tokens and settings -------------------------------------------------------------------------

export async function insertToken(db: Db, v: typeof scimTokens.$inferInsert): Promise<TokenRow> {
  const [row] = await db.insert(scimTokens).values(v).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export function listTokens(db: Db, orgId: string): Promise<TokenRow[]> {
  return db.select().from(scimTokens).where(eq(scimTokens.orgId, orgId)).orderBy(desc(scimTokens.createdAt)).limit(200);
}

export async function revokeToken(db: Db, orgId: string, tokenId: string): Promise<TokenRow | undefined> {
  const [row] = await db
    .update(scimTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(scimTokens.orgId, orgId), eq(scimTokens.id, tokenId), isNull(scimTokens.revokedAt)))
    .returning();
  return row;
}

/** The live token with this hash, its creator, and whether SCIM is on for its organization. */
export async function findToken(db: Db, tokenHash: string) {
  const [row] = await db
    .select({ token: scimTokens, creatorEmail: accounts.email, settings: scimSettings })
    .from(scimTokens)
    .leftJoin(accounts, eq(accounts.id, scimTokens.createdBy))
    .leftJoin(scimSettings, eq(scimSettings.orgId, scimTokens.orgId))
    .where(eq(scimTokens.tokenHash, tokenHash));
  return row;
}

export async function touchToken(db: Db, tokenId: string): Promise<void> {
  await db.update(scimTokens).set({ lastUsedAt: sql`now()` }).where(eq(scimTokens.id, tokenId));
}

export async function findSettings(db: Db, orgId: string): Promise<SettingsRow | undefined> {
  const [row] = await db.select().from(scimSettings).where(eq(scimSettings.orgId, orgId));
  return row;
}

export async function saveSettings(db: Db, v: typeof scimSettings.$inferInsert): Promise<SettingsRow> {
  const { orgId: _o, ...set } = v;
  const [row] = await db
    .insert(scimSettings)
    .values(v)
    .onConflictDoUpdate({ target: scimSettings.orgId, set: { ...set, updatedAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('upsert returned nothing');
  return row;
}

// --- log -----------------------------------------------------------------------------------------

export async function insertLog(db: Db, v: typeof scimLog.$inferInsert): Promise<void> {
  await db.insert(scimLog).values(v);
}

export function listLog(db: Db, orgId: string, limit: number, before?: string) {
  return db
    .select()
    .from(scimLog)
    .where(and(eq(scimLog.orgId, orgId), before ? lt(scimLog.id, before) : undefined))
    .orderBy(desc(scimLog.id))
    .limit(limit + 1);
}

// --- users ---------------------------------------------------------------------------------------

export async function findUser(db: Db, orgId: string, id: string, lock = false): Promise<UserRow | undefined> {
  const q = db
    .select()
    .from(scimUsers)
    .where(and(eq(scimUsers.orgId, orgId), eq(scimUsers.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** The id of the organization's user with this userName (case-insensitive), other than `exceptId`. */
export async function userNameOwner(db: Db, orgId: string, userNameKey: string, exceptId?: string): Promise<string | null> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM scim_users WHERE org_id = ${orgId} AND user_name_key = ${userNameKey} ${exceptId ? sql`AND id <> ${exceptId}` : sql``}`,
  );
  return row?.id ?? null;
}

/** The id of the organization's user with this address, other than `exceptId`. */
export async function emailOwner(db: Db, orgId: string, emailKey: string, exceptId?: string): Promise<string | null> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM scim_users WHERE org_id = ${orgId} AND email_key = ${emailKey} ${exceptId ? sql`AND id <> ${exceptId}` : sql``} LIMIT 1`,
  );
  return row?.id ?? null;
}

export async function insertUser(db: Db, v: typeof scimUsers.$inferInsert): Promise<UserRow> {
  const [row] = await db.insert(scimUsers).values(v).onConflictDoNothing().returning();
  return row as UserRow;
}

export async function updateUser(db: Db, orgId: string, id: string, set: Partial<typeof scimUsers.$inferInsert>): Promise<UserRow> {
  const [row] = await db
    .update(scimUsers)
    .set({ ...set, version: sql`${scimUsers.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(scimUsers.orgId, orgId), eq(scimUsers.id, id)))
    .returning();
  return row as UserRow;
}

export async function deleteUser(db: Db, orgId: string, id: string): Promise<void> {
  await db.delete(scimUsers).where(and(eq(scimUsers.orgId, orgId), eq(scimUsers.id, id)));
}

/** One page of users matching a filter condition (aliased `su`), in id order (time-ordered: stable). */
export async function listUsers(db: Db, orgId: string, where: SQL, offset: number, limit: number) {
  const [rows, total] = await Promise.all([
    limit > 0
      ? queryRows<{ id: string }>(
          db,
          sql`SELECT su.id FROM scim_users su WHERE su.org_id = ${orgId} AND (${where}) ORDER BY su.id OFFSET ${offset} LIMIT ${limit}`,
        )
      : Promise.resolve([]),
    queryCount(db, sql`SELECT count(*)::int AS n FROM scim_users su WHERE su.org_id = ${orgId} AND (${where})`),
  ]);
  const ids = rows.map((r) => r.id);
  const full = ids.length
    ? await db
        .select()
        .from(scimUsers)
        .where(and(eq(scimUsers.orgId, orgId), sql`${scimUsers.id} = ANY(${uuidArray(ids)})`))
    : [];
  const byId = new Map(full.map((u) => [u.id, u]));
  return { rows: ids.map((id) => byId.get(id)).filter((u): u is UserRow => Boolean(u)), total };
}

/** The account with this address and its membership of the organization (if any). */
export async function accountByEmail(db: Db, orgId: string, emailKey: string) {
  const [row] = await queryRows<{ accountId: string; status: string | null; managed: boolean | null }>(
    db,
    sql`SELECT a.id AS "accountId", m.status, m.managed FROM accounts a
        LEFT JOIN memberships m ON m.account_id = a.id AND m.org_id = ${orgId}
        WHERE a.email_key = ${emailKey}`,
  );
  return row;
}

/** The membership of a linked account in the organization. */
export async function membershipOf(db: Db, orgId: string, accountId: string) {
  const [row] = await queryRows<{ status: string; managed: boolean; role: string }>(
    db,
    sql`SELECT status, managed, role FROM memberships WHERE org_id = ${orgId} AND account_id = ${accountId}`,
  );
  return row;
}

/**
 * Links users invited as existing accounts to their account once they accepted (the membership now
 * exists); returns the newly linked users and accounts, so their SCIM group memberships can follow.
 */
export function linkAccepted(db: Db, orgId: string) {
  return queryRows<{ id: string; accountId: string }>(
    db,
    sql`UPDATE scim_users su SET account_id = a.id
        FROM accounts a JOIN memberships m ON m.account_id = a.id AND m.org_id = ${orgId}
        WHERE su.org_id = ${orgId} AND su.account_id IS NULL AND su.invitation_id IS NOT NULL AND a.email_key = su.email_key
        RETURNING su.id, su.account_id AS "accountId"`,
  );
}

/** Of these ids, those naming users of the organization, with their linked account. */
export function usersAmong(db: Db, orgId: string, ids: string[]) {
  return queryRows<{ id: string; accountId: string | null }>(
    db,
    sql`SELECT id, account_id AS "accountId" FROM scim_users WHERE org_id = ${orgId} AND id = ANY(${uuidArray(ids)})`,
  );
}

// --- groups --------------------------------------------------------------------------------------

export type GroupRow = {
  id: string;
  groupId: string;
  displayName: string;
  externalId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

const groupSelect = sql`SELECT sg.id, sg.group_id AS "groupId", g.name AS "displayName", sg.external_id AS "externalId",
  sg.version, sg.created_at AS "createdAt", sg.updated_at AS "updatedAt"
  FROM scim_groups sg JOIN groups g ON g.id = sg.group_id AND g.org_id = sg.org_id`;

export async function findGroup(db: Db, orgId: string, id: string, lock = false): Promise<GroupRow | undefined> {
  const [row] = await queryRows<GroupRow>(
    db,
    sql`${groupSelect} WHERE sg.org_id = ${orgId} AND sg.id = ${id} ${lock ? sql`FOR UPDATE OF sg` : sql``}`,
  );
  return row;
}

export async function listGroups(db: Db, orgId: string, where: SQL, offset: number, limit: number) {
  const [rows, total] = await Promise.all([
    limit > 0
      ? queryRows<GroupRow>(
          db,
          sql`${groupSelect} WHERE sg.org_id = ${orgId} AND (${where}) ORDER BY sg.id OFFSET ${offset} LIMIT ${limit}`,
        )
      : Promise.resolve([]),
    queryCount(
      db,
      sql`SELECT count(*)::int AS n FROM scim_groups sg JOIN groups g ON g.id = sg.group_id WHERE sg.org_id = ${orgId} AND (${where})`,
    ),
  ]);
  return { rows, total };
}

export async function insertGroup(db: Db, v: typeof scimGroups.$inferInsert): Promise<string> {
  const [row] = await db.insert(scimGroups).values(v).returning({ id: scimGroups.id });
  return (row as { id: string }).id;
}

export async function touchGroup(db: Db, orgId: string, id: string, set: { externalId?: string | null } = {}): Promise<void> {
  await db
    .update(scimGroups)
    .set({ ...set, version: sql`${scimGroups.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(scimGroups.orgId, orgId), eq(scimGroups.id, id)));
}

/** Members of groups, with their display (userName) — for presenting groups. */
export function membersOf(db: Db, orgId: string, groupIds: string[]) {
  if (groupIds.length === 0) return Promise.resolve([]);
  return queryRows<{ groupId: string; value: string; display: string }>(
    db,
    sql`SELECT sgm.scim_group_id AS "groupId", su.id AS value, su.user_name AS display
        FROM scim_group_members sgm JOIN scim_users su ON su.id = sgm.scim_user_id
        WHERE sgm.org_id = ${orgId} AND sgm.scim_group_id = ANY(${uuidArray(groupIds)}) ORDER BY su.id`,
  );
}

/** Adds members (set-based); returns the accounts linked to the users actually added. */
export function addMembers(db: Db, orgId: string, groupId: string, userIds: string[]) {
  return queryRows<{ accountId: string | null }>(
    db,
    sql`WITH ins AS (
          INSERT INTO scim_group_members (org_id, scim_group_id, scim_user_id)
          SELECT ${orgId}, ${groupId}, su.id FROM scim_users su WHERE su.org_id = ${orgId} AND su.id = ANY(${uuidArray(userIds)})
          ON CONFLICT DO NOTHING RETURNING scim_user_id)
        SELECT su.account_id AS "accountId" FROM ins JOIN scim_users su ON su.id = ins.scim_user_id`,
  );
}

/** Removes members (set-based); returns the accounts linked to the users actually removed. */
export function removeMembers(db: Db, orgId: string, groupId: string, userIds: string[]) {
  return queryRows<{ accountId: string | null }>(
    db,
    sql`WITH del AS (
          DELETE FROM scim_group_members WHERE org_id = ${orgId} AND scim_group_id = ${groupId} AND scim_user_id = ANY(${uuidArray(userIds)})
          RETURNING scim_user_id)
        SELECT su.account_id AS "accountId" FROM del JOIN scim_users su ON su.id = del.scim_user_id`,
  );
}

/** The Troupe groups the user is in through SCIM (to apply once their account joins). */
export async function groupIdsOfUser(db: Db, orgId: string, userId: string): Promise<string[]> {
  const rows = await queryRows<{ groupId: string }>(
    db,
    sql`SELECT sg.group_id AS "groupId" FROM scim_group_members sgm JOIN scim_groups sg ON sg.id = sgm.scim_group_id
        WHERE sgm.org_id = ${orgId} AND sgm.scim_user_id = ${userId}`,
  );
  return rows.map((r) => r.groupId);
}
