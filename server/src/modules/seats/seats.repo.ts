import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type IdRef, type IdsRef, queryRows, uuidArray } from '../../lib/sql.js';

/** Roles that take a seat; staff (owner, admin, managers) take none. */
export const SEAT_ROLES = ['learner', 'guest'] as const;
export const seatRole = (role: SQL) => sql`${role} IN ('learner', 'guest')`;

export type SeatLimitRow = { id: string; groupId: string | null; seatLimit: number; alertedPct: number };

/**
 * Locks (FOR UPDATE) the limit rows a way in is subject to: the organization's and those of the given
 * groups (ids, or a uuid[] expression), in id order (no deadlock between two ways in). Nothing is
 * locked when no limit applies. `allGroups`: every group's; `withOrganization: false`: the groups' only.
 */
export async function lockLimits(
  tx: Db,
  orgId: string,
  groupIds: IdsRef,
  o: { allGroups?: boolean; withOrganization?: boolean } = {},
): Promise<SeatLimitRow[]> {
  return queryRows<SeatLimitRow>(tx, lockLimitsSql(orgId, groupIds, o));
}

const lockLimitsSql = (orgId: IdRef, groupIds: IdsRef, o: { allGroups?: boolean; withOrganization?: boolean } = {}) =>
  sql`SELECT id, group_id AS "groupId", seat_limit AS "seatLimit", alerted_pct AS "alertedPct" FROM seat_limits
      WHERE org_id = ${orgId} AND (${o.withOrganization === false ? sql`` : sql`group_id IS NULL OR`}
        ${o.allGroups ? sql`group_id IS NOT NULL` : sql`group_id = ANY(${uuidArray(groupIds)})`})
      ORDER BY id FOR UPDATE`;

/**
 * The same lock as lockLimits, as a scalar for a statement that does more: JSON `{orgLimit, groupLimits}`
 * (the organization's limit or null, and how many of the groups have one).
 */
export const lockedLimitsSql = (orgId: IdRef, groupIds: IdsRef) =>
  sql`(SELECT json_build_object('orgLimit', max(l."seatLimit") FILTER (WHERE l."groupId" IS NULL),
                                'groupLimits', count(*) FILTER (WHERE l."groupId" IS NOT NULL))
       FROM (${lockLimitsSql(orgId, groupIds)}) l)`;

/** Seats used in the organization: active members whose role takes a seat. */
export const orgSeatsUsedSql = (orgId: string) =>
  sql`(SELECT count(*)::int FROM memberships su WHERE su.org_id = ${orgId} AND su.status = 'active' AND su.role IN ('learner', 'guest'))`;

/** Seats used in a group: its active members whose role takes a seat. */
export const groupSeatsUsedSql = (orgId: string, groupId: SQL) =>
  sql`(SELECT count(*)::int FROM group_members sg JOIN memberships sm ON sm.org_id = sg.org_id AND sm.account_id = sg.account_id
        WHERE sg.org_id = ${orgId} AND sg.group_id = ${groupId} AND sm.status = 'active' AND sm.role IN ('learner', 'guest'))`;

export async function usage(db: Db, orgId: string, groupId: string | null): Promise<{ seatLimit: number | null; seatsUsed: number }> {
  const used = groupId ? groupSeatsUsedSql(orgId, sql`${groupId}::uuid`) : orgSeatsUsedSql(orgId);
  const [row] = await queryRows<{ seatLimit: number | null; seatsUsed: number }>(
    db,
    sql`SELECT (SELECT seat_limit FROM seat_limits WHERE org_id = ${orgId} AND group_id IS NOT DISTINCT FROM ${groupId}::uuid) AS "seatLimit",
               ${used} AS "seatsUsed"`,
  );
  return { seatLimit: row?.seatLimit ?? null, seatsUsed: Number(row?.seatsUsed ?? 0) };
}

/**
 * Limited groups among `groupIds` that adding `accountIds` would overfill: counts seat-taking active
 * members of the accounts not yet in the group. Call with the limit rows locked.
 */
export async function overfullGroups(tx: Db, orgId: string, groupIds: readonly string[], accountIds: readonly string[]) {
  return queryRows<{ groupId: string }>(
    tx,
    sql`SELECT l.group_id AS "groupId" FROM seat_limits l
        WHERE l.org_id = ${orgId} AND l.group_id = ANY(${uuidArray(groupIds)})
          AND ${groupSeatsUsedSql(orgId, sql`l.group_id`)} + (
            SELECT count(*)::int FROM memberships m
            WHERE m.org_id = ${orgId} AND m.account_id = ANY(${uuidArray(accountIds)}) AND m.status = 'active' AND m.role IN ('learner', 'guest')
              AND NOT EXISTS (SELECT 1 FROM group_members x WHERE x.org_id = ${orgId} AND x.group_id = l.group_id AND x.account_id = m.account_id)
          ) > l.seat_limit`,
  );
}

/** Writes (or removes, null) a limit. */
export async function writeLimit(tx: Db, orgId: string, groupId: string | null, seatLimit: number | null): Promise<void> {
  if (seatLimit === null) {
    await tx.execute(sql`DELETE FROM seat_limits WHERE org_id = ${orgId} AND group_id IS NOT DISTINCT FROM ${groupId}::uuid`);
    return;
  }
  await tx.execute(
    sql`INSERT INTO seat_limits (org_id, group_id, seat_limit) VALUES (${orgId}, ${groupId}::uuid, ${seatLimit})
        ON CONFLICT (org_id, coalesce(group_id, '00000000-0000-0000-0000-000000000000'::uuid))
        DO UPDATE SET seat_limit = EXCLUDED.seat_limit, updated_at = now()`,
  );
}

/** Moves the alert mark of the organization's limit; returns the threshold newly crossed (90 or 100), if any. */
export async function markAlert(tx: Db, orgId: string): Promise<{ pct: number; seatLimit: number; seatsUsed: number } | null> {
  const [row] = await queryRows<{ seatLimit: number; alertedPct: number; used: number }>(
    tx,
    sql`SELECT seat_limit AS "seatLimit", alerted_pct AS "alertedPct", ${orgSeatsUsedSql(orgId)} AS used
        FROM seat_limits WHERE org_id = ${orgId} AND group_id IS NULL`,
  );
  if (!row || row.seatLimit === 0) return null;
  const ratio = (row.used * 100) / row.seatLimit;
  const level = ratio >= 100 ? 100 : ratio >= 90 ? 90 : 0;
  if (level === row.alertedPct) return null;
  await tx.execute(sql`UPDATE seat_limits SET alerted_pct = ${level} WHERE org_id = ${orgId} AND group_id IS NULL`);
  return level > row.alertedPct ? { pct: level, seatLimit: row.seatLimit, seatsUsed: row.used } : null;
}

/** Owners and admins of the organization, with the organization's name (who gets the seat alerts). */
export async function seatAdmins(tx: Db, orgId: string) {
  return queryRows<{ email: string; locale: string; orgName: string }>(
    tx,
    sql`SELECT a.email, a.locale, o.name AS "orgName" FROM memberships m JOIN accounts a ON a.id = m.account_id JOIN organizations o ON o.id = m.org_id
        WHERE m.org_id = ${orgId} AND m.status = 'active' AND m.role IN ('owner', 'admin')`,
  );
}
