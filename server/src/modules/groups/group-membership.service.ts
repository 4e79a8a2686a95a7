import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { activeMembersAmong, enrolAccountsInGroupSessions, pruneEnrolments } from './enrolment-rules.js';
import { assertGroupSeats } from '../seats/seats.service.js';
import { cleanIds, type IdRef, type IdsRef, queryRows, tsParam, uuidArray } from '../../lib/sql.js';

// What other modules (invitations, imports, members, SCIM) call to put people in groups. Call these
// inside the caller's transaction: the membership rows, the enrolments and the caller's audit event
// then commit together.

/** Set-based enrolment of people an import put in groups (joined members, new accounts). */
export { enrolJoinedInGroupSessions, enrolNewAccountsInGroupSessions, pruneEnrolments } from './enrolment-rules.js';

/**
 * Locks the groups and their ancestors against a concurrent attachment (which takes FOR NO KEY
 * UPDATE on its group), so a member joining while a session is being attached is enrolled either way.
 */
export async function lockGroupChains(tx: Db, orgId: string, groupIds: string[]): Promise<void> {
  await tx.execute(sql`SELECT ${groupChainsLockSql(orgId, groupIds)}`);
}

/**
 * The lock of lockGroupChains as a scalar (how many groups it locked), for a statement that prepares a
 * join. The enrolments must then be read by a later statement (its snapshot comes after the lock).
 */
export const groupChainsLockSql = (orgId: IdRef, groupIds: IdsRef) =>
  sql`(SELECT count(*)::int FROM (WITH RECURSIVE up(id) AS (
      SELECT id FROM groups WHERE org_id = ${orgId} AND id = ANY(${uuidArray(groupIds)})
      UNION
      SELECT g.parent_id FROM groups g JOIN up ON g.id = up.id WHERE g.org_id = ${orgId} AND g.parent_id IS NOT NULL
    )
    SELECT id FROM groups WHERE org_id = ${orgId} AND id IN (SELECT id FROM up) ORDER BY id FOR SHARE) locked)`;

/**
 * Adds accounts (already active members of orgId) to groups and enrols them; set-based; idempotent.
 * Returns rows actually added. `locked`: an earlier statement of the transaction already locked the
 * groups' seat limits and chains (lockSeatsSql, groupChainsLockSql) and found `groupLimits` limits.
 */
export async function addAccountsToGroups(
  tx: Db,
  o: { orgId: string; groupIds: string[]; accountIds: string[]; now: Date; jobs: JobQueue; locked?: { groupLimits: number } },
): Promise<number> {
  const groupIds = cleanIds(o.groupIds);
  const accountIds = cleanIds(o.accountIds);
  if (groupIds.length === 0 || accountIds.length === 0) return 0;
  if (!o.locked || o.locked.groupLimits > 0) await assertGroupSeats(tx, o.orgId, groupIds, accountIds);
  if (!o.locked) await lockGroupChains(tx, o.orgId, groupIds);
  // The group rows and the enrolments in one statement (the enrolments read the groups' sessions and
  // the memberships, not the group rows being added).
  const { added } = await enrolAccountsInGroupSessions(tx, {
    orgId: o.orgId,
    groupIds,
    accountIds,
    now: o.now,
    jobs: o.jobs,
    adding: sql`INSERT INTO group_members (org_id, group_id, account_id, created_at)
      SELECT ${o.orgId}, g.id, m.account_id, ${tsParam(o.now)}
      FROM groups g CROSS JOIN ${activeMembersAmong(o.orgId, accountIds)}
      WHERE g.org_id = ${o.orgId} AND g.id = ANY(${uuidArray(groupIds)})
      ON CONFLICT DO NOTHING
      RETURNING 1`,
  });
  return added;
}

/** Removes accounts from a group, dropping not-started enrolments no other group justifies. */
export async function removeAccountsFromGroup(tx: Db, o: { orgId: string; groupId: string; accountIds: string[] }): Promise<number> {
  const accountIds = cleanIds(o.accountIds);
  if (accountIds.length === 0 || cleanIds([o.groupId]).length === 0) return 0;
  await lockGroupChains(tx, o.orgId, [o.groupId]);
  const removed = await queryRows<{ accountId: string }>(
    tx,
    sql`DELETE FROM group_members
      WHERE org_id = ${o.orgId} AND group_id = ${o.groupId} AND account_id = ANY(${uuidArray(accountIds)})
      RETURNING account_id AS "accountId"`,
  );
  if (removed.length > 0) await pruneEnrolments(tx, { orgId: o.orgId, accountIds: removed.map((r) => r.accountId) });
  return removed.length;
}

/** Ids of groups of orgId among `groupIds` (to validate input); unknown ids are simply absent. */
export async function existingGroupIds(db: Db, orgId: string, groupIds: string[]): Promise<string[]> {
  const ids = cleanIds(groupIds);
  if (ids.length === 0) return [];
  const rows = await queryRows<{ id: string }>(db, sql`SELECT id FROM groups WHERE org_id = ${orgId} AND id = ANY(${uuidArray(ids)})`);
  return rows.map((r) => r.id);
}
