import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { addAccountsToGroups, groupChainsLockSql } from '../groups/group-membership.service.js';
import { reevaluateRulesFor, rulesExistSql } from '../profile-fields/fields.service.js';
import { cleanIds, type IdRef, type IdsRef, queryRows } from '../../lib/sql.js';
import { inOneTrip } from '../../db/pipeline.js';
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

type JoinInput = {
  orgId: string;
  accountId: string;
  emailKey: string;
  role: string;
  source: JoinSource;
  managed?: boolean;
  groupIds: string[];
  now: Date;
  jobs: JobQueue;
};

/**
 * The one way into an organization: creates (or restores) the membership, retires the person's older
 * invitations from the members list, and adds them to groups with their enrolments. Idempotent.
 * The role of an existing active member is kept (an invitation never demotes or promotes anyone).
 */
export async function joinOrganization(
  tx: Db,
  o: JoinInput & {
    /** joinPreparationSql's answer, when the caller's own statement did that work (for this organization and these groups). */
    prepared?: JoinPreparation;
  },
): Promise<{ created: boolean; role: string }> {
  const groupIds = cleanIds(o.groupIds);
  const ready = o.prepared ? readyToJoin(tx, o.orgId, o.prepared) : await prepareJoin(tx, o.orgId, groupIds);
  const { orgLimit } = ready;
  const { membership, groups } = joinStatements(tx, o, groupIds, ready);
  let row: { role: string; created: boolean } | undefined;
  if (ready.groupLimits > 0) {
    // Limited groups check their seats after the membership exists, and only when it does.
    [row] = await membership();
    if (row) await groups();
  } else {
    // The membership, then the group rows and enrolments, in one round trip on a pipelining connection.
    // The groups' statement adds only active members: when the seat check keeps the membership out, it
    // adds nothing, and the refusal below rolls the transaction back.
    [[row]] = await inOneTrip<[{ role: string; created: boolean }[], number]>(tx, membership, groups);
  }
  if (!row) throw seatsFull('organization', { seatLimit: orgLimit });
  // issue 15: a new (or returning) member joins the rule-based groups that match them.
  if (ready.rules) await reevaluateRulesFor(tx, { orgId: o.orgId, accountIds: [o.accountId], now: o.now, jobs: o.jobs });
  if (orgLimit !== null) await afterSeatsChanged(tx, o.jobs, o.orgId);
  return { created: Boolean(row.created), role: row.role };
}

/**
 * joinOrganization's statements, to go with the transaction's COMMIT (a LastTrip's pieces), when
 * nothing in the join can refuse after them or needs one more statement: the organization and its
 * groups have no seat limit, and no rule or webhook endpoint is there to act on the join. Null
 * otherwise: call joinOrganization.
 */
export function joinAlongside(tx: Db, o: JoinInput & { prepared: JoinPreparation }): (() => Promise<unknown>)[] | null {
  const ready = readyToJoin(tx, o.orgId, o.prepared);
  if (ready.orgLimit !== null || ready.groupLimits > 0 || ready.rules || o.prepared.endpoints) return null;
  const { membership, groups } = joinStatements(tx, o, cleanIds(o.groupIds), ready);
  return [membership, groups];
}

/** The membership's statement, and the groups' with their enrolments (which adds active members only). */
function joinStatements(tx: Db, o: JoinInput, groupIds: string[], ready: { orgLimit: number | null; groupLimits: number }) {
  const { orgLimit } = ready;
  const membership = () =>
    queryRows<{ role: string; created: boolean }>(
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
  const groups = () =>
    addAccountsToGroups(tx, {
      orgId: o.orgId,
      groupIds,
      accountIds: [o.accountId],
      now: o.now,
      jobs: o.jobs,
      locked: { groupLimits: ready.groupLimits },
    });
  return { membership, groups };
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
  const [row] = await queryRows<{ ready: JoinPreparation }>(tx, sql`SELECT ${joinPreparationSql(orgId, groupIds)} AS ready`);
  if (!row) throw new Error('prepareJoin: no row');
  return readyToJoin(tx, orgId, row.ready);
}

/** What joinPreparationSql answers (JSON). */
export type JoinPreparation = { limits: { orgLimit: number | null; groupLimits: number }; rules: boolean; endpoints: boolean };

/**
 * prepareJoin's work as an expression, for a statement that finds the organization and groups itself
 * (a passcode's redemption): `orgId` and `groupIds` may be that statement's columns. Its answer goes to
 * joinOrganization as `prepared`, which then sends no statement of its own for it.
 */
export function joinPreparationSql(orgId: IdRef, groupIds: IdsRef): SQL {
  return sql`json_build_object('limits', ${lockSeatsSql(orgId, groupIds)}, 'chains', ${groupChainsLockSql(orgId, groupIds)},
               'rules', ${rulesExistSql(orgId)}, 'endpoints', ${endpointsExistSql(orgId)},
               'plans', set_config('plan_cache_mode', 'force_generic_plan', true))`;
}

function readyToJoin(tx: Db, orgId: string, ready: JoinPreparation) {
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
