import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { addAccountsToGroups, groupChainsLockSql } from '../groups/group-membership.service.js';
import { reevaluateRulesFor, rulesExistSql } from '../profile-fields/fields.service.js';
import { cleanIds, queryRows } from '../../lib/sql.js';
import { afterSeatsChanged, lockSeatsSql, orgSeatFits, seatsFull } from '../seats/seats.service.js';
import { endpointsExistSql, noteEndpoints } from '../webhooks/events.service.js';

export type JoinSource =
  | 'invitation'
  | 'passcode'
  | 'join_page'
  | 'domain'
  | 'managed'
  | 'import'
  | 'scim'
  | 'session'
  | 'direct'
  | 'sso'
  | 'api';

/**
 * The one way into an organization: creates (or restores) the membership, retires the person's older
 * invitations from the members list, and adds them to groups with their enrolments. Idempotent.
 * The role of an existing active member is kept (an invitation never demotes or promotes anyone).
 */
export async function joinOrganization(
  tx: Db,
  o: {
    orgId: string;
    accountId: string;
    emailKey: string;
    role: string;
    source: JoinSource;
    managed?: boolean;
    groupIds: string[];
    now: Date;
    jobs: JobQueue;
  },
): Promise<{ created: boolean; role: string }> {
  const groupIds = cleanIds(o.groupIds);
  const ready = await prepareJoin(tx, o.orgId, groupIds);
  const { orgLimit } = ready;
  const [row] = await queryRows<{ role: string; created: boolean }>(
    tx,
    sql`WITH retired AS (
          UPDATE invitations SET is_current = false, updated_at = now()
          WHERE org_id = ${o.orgId} AND email_key = ${o.emailKey} AND is_current AND status <> 'active'
        )
        INSERT INTO memberships (org_id, account_id, role, status, managed, source, created_at)
        SELECT ${o.orgId}, ${o.accountId}, ${o.role}, 'active', ${o.managed ?? false}, ${o.source}, ${o.now.toISOString()}::timestamptz
        WHERE ${orgSeatFits(o.orgId, orgLimit, sql`${o.role}::text`)}
           OR EXISTS (SELECT 1 FROM memberships e WHERE e.org_id = ${o.orgId} AND e.account_id = ${o.accountId})
        ON CONFLICT (org_id, account_id) DO UPDATE SET status = 'active', archived_at = NULL
        WHERE memberships.status = 'active' OR ${orgSeatFits(o.orgId, orgLimit, sql`memberships.role`)}
        RETURNING role, (xmax = 0) AS created`,
  );
  if (!row) throw seatsFull('organization', { seatLimit: orgLimit });
  if (groupIds.length)
    await addAccountsToGroups(tx, {
      orgId: o.orgId,
      groupIds,
      accountIds: [o.accountId],
      now: o.now,
      jobs: o.jobs,
      locked: { groupLimits: ready.groupLimits },
    });
  // issue 15: a new (or returning) member joins the rule-based groups that match them.
  if (ready.rules) await reevaluateRulesFor(tx, { orgId: o.orgId, accountIds: [o.accountId], now: o.now, jobs: o.jobs });
  if (orgLimit !== null) await afterSeatsChanged(tx, o.jobs, o.orgId);
  return { created: Boolean(row.created), role: row.role };
}

/**
 * Everything a join locks and needs to know first, in one statement: the seat limits (issue 16) are
 * locked before the membership statement counts under them; the groups' chains before the enrolments
 * are read; and whether rules or webhook endpoints exist, so a join into an organization without them
 * sends no statement for them.
 *
 * It also has the rest of the transaction use generic plans (plan_cache_mode, transaction-local): a
 * join is one person, and its statements (the enrolments' above all, with its recursive chain) took
 * longer to plan afresh at each call, which PostgreSQL chose to do, than to run: about 1 ms of
 * planning for 0.2 ms of work. Their generic plans are the same index lookups.
 */
async function prepareJoin(tx: Db, orgId: string, groupIds: string[]) {
  const [ready] = await queryRows<{ limits: { orgLimit: number | null; groupLimits: number }; rules: boolean; endpoints: boolean }>(
    tx,
    sql`SELECT ${lockSeatsSql(orgId, groupIds)} AS limits, ${groupIds.length ? groupChainsLockSql(orgId, groupIds) : sql`0`} AS chains,
               ${rulesExistSql(orgId)} AS rules, ${endpointsExistSql(orgId)} AS endpoints,
               set_config('plan_cache_mode', 'force_generic_plan', true) AS plans`,
  );
  if (!ready) throw new Error('prepareJoin: no row');
  noteEndpoints(tx, orgId, ready.endpoints);
  return { orgLimit: ready.limits.orgLimit, groupLimits: Number(ready.limits.groupLimits), rules: ready.rules };
}

/** The status of the account's membership of the organization, or null when it has none. */
export async function membershipStatus(db: Db, orgId: string, accountId: string): Promise<string | null> {
  const [row] = await queryRows<{ status: string }>(
    db,
    sql`SELECT status FROM memberships WHERE org_id = ${orgId} AND account_id = ${accountId}`,
  );
  return row?.status ?? null;
}
