import { type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { queryRows, uuidArray } from '../lib/sql.js';
import { notFound } from './errors.js';

/**
 * What a viewer may see of an organization's groups and of the people in them. Everybody with a
 * reading permission sees every group, except a limited manager: only the groups they manage —
 * those they observe — and their sub-groups, any depth (DESIGN: "sees learners and reports of the
 * groups they manage"). Anything outside answers as if it did not exist (404), lists leave it out.
 */
export type GroupScope = { orgId: string; accountId: string } | null;

export function groupScopeFor(role: string, orgId: string, accountId: string): GroupScope {
  return role === 'manager_limited' ? { orgId, accountId } : null;
}

/** The ids of the groups in scope, as a subquery (`… IN (${scopedGroupIds(scope)})`). */
export function scopedGroupIds(scope: NonNullable<GroupScope>): SQL {
  return sql`WITH RECURSIVE managed(id) AS (
      SELECT group_id FROM group_observers WHERE org_id = ${scope.orgId} AND account_id = ${scope.accountId}
      UNION
      SELECT g.id FROM groups g JOIN managed ON g.parent_id = managed.id WHERE g.org_id = ${scope.orgId}
    ) SELECT id FROM managed`;
}

/** A condition on a row of people: `accountCol` is a member of a group in scope (true when there is no scope). */
export function memberInScope(scope: GroupScope, accountCol: SQL): SQL {
  if (!scope) return sql`true`;
  return sql`EXISTS (SELECT 1 FROM group_members gm WHERE gm.org_id = ${scope.orgId} AND gm.account_id = ${accountCol} AND gm.group_id IN (${scopedGroupIds(scope)}))`;
}

/** A condition on an invitation (or a passcode): it leads to a group in scope (true when there is no scope). */
export function invitationInScope(scope: GroupScope, groupIdsCol: SQL): SQL {
  if (!scope) return sql`true`;
  return sql`${groupIdsCol} && ARRAY(${scopedGroupIds(scope)})`;
}

/** For routes on one group, invitation or passcode: 404 when it lies outside the viewer's scope. */
export async function assertInScope(
  ctx: Pick<AppContext, 'db'>,
  scope: GroupScope,
  target: { groupId?: string; invitationId?: string; passcodeId?: string },
): Promise<void> {
  if (!scope) return;
  if (target.groupId) {
    const rows = await queryRows<{ ok: boolean }>(ctx.db, sql`SELECT ${target.groupId}::uuid IN (${scopedGroupIds(scope)}) AS ok`);
    if (!rows[0]?.ok) throw notFound('Group');
  }
  if (target.invitationId) {
    const rows = await queryRows<{ ok: boolean }>(
      ctx.db,
      sql`SELECT EXISTS (SELECT 1 FROM invitations i WHERE i.id = ${target.invitationId} AND i.org_id = ${scope.orgId} AND ${invitationInScope(scope, sql`i.group_ids`)}) AS ok`,
    );
    if (!rows[0]?.ok) throw notFound('Invitation');
  }
  if (target.passcodeId) {
    const rows = await queryRows<{ ok: boolean }>(
      ctx.db,
      sql`SELECT EXISTS (SELECT 1 FROM passcodes p WHERE p.id = ${target.passcodeId} AND p.org_id = ${scope.orgId} AND ${invitationInScope(scope, sql`p.group_ids`)}) AS ok`,
    );
    if (!rows[0]?.ok) throw notFound('Passcode');
  }
}

/** Of the given invitation ids, those the viewer may act on (all of them when there is no scope). */
export async function idsInScope(
  ctx: Pick<AppContext, 'db'>,
  scope: GroupScope,
  orgId: string,
  invitationIds: string[],
): Promise<string[]> {
  if (!scope || invitationIds.length === 0) return invitationIds;
  const rows = await queryRows<{ id: string }>(
    ctx.db,
    sql`SELECT id FROM invitations i WHERE i.org_id = ${orgId} AND i.id = ANY(${uuidArray(invitationIds)}) AND ${invitationInScope(scope, sql`i.group_ids`)}`,
  );
  return rows.map((r) => r.id);
}
