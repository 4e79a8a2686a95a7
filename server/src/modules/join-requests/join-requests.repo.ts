import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type GroupScope, scopedGroupIds } from '../../http/group-scope.js';
import { queryRows, uuidArray } from '../../lib/sql.js';

export type JoinRequestRow = {
  id: string;
  orgId: string;
  accountId: string | null;
  email: string;
  emailKey: string;
  groupId: string | null;
  locationId: string | null;
  domainId: string | null;
  source: 'domain' | 'join_page';
  status: 'pending' | 'approved' | 'rejected';
  locale: string | null;
  createdAt: string;
  decidedAt: string | null;
  /** The groups approval adds the person to: the one chosen, else the domain's default groups. */
  targetGroupIds: string[];
};

const COLUMNS = sql`r.id, r.org_id AS "orgId", r.account_id AS "accountId", r.email, r.email_key AS "emailKey",
  r.group_id AS "groupId", r.location_id AS "locationId", r.domain_id AS "domainId", r.source, r.status, r.locale,
  r.created_at AS "createdAt", r.decided_at AS "decidedAt",
  CASE WHEN r.group_id IS NOT NULL THEN ARRAY[r.group_id]
       ELSE COALESCE((SELECT d.group_ids FROM org_domains d WHERE d.id = r.domain_id AND d.org_id = r.org_id), '{}'::uuid[]) END AS "targetGroupIds"`;

/** A request in scope: a limited manager sees those whose groups they observe (none without a group). */
function inScope(scope: GroupScope): SQL {
  if (!scope) return sql`true`;
  return sql`(CASE WHEN r.group_id IS NOT NULL THEN ARRAY[r.group_id]
       ELSE COALESCE((SELECT d.group_ids FROM org_domains d WHERE d.id = r.domain_id AND d.org_id = r.org_id), '{}'::uuid[]) END)
     && ARRAY(${scopedGroupIds(scope)})`;
}

/** Writes a pending request, or updates the person's pending one with their latest choice. */
export async function upsertPending(
  tx: Db,
  o: {
    orgId: string;
    accountId: string;
    email: string;
    emailKey: string;
    groupId: string | null;
    locationId: string | null;
    domainId: string | null;
    source: 'domain' | 'join_page';
    locale: string | null;
    now: Date;
  },
): Promise<{ id: string; created: boolean }> {
  const [row] = await queryRows<{ id: string; created: boolean }>(
    tx,
    sql`INSERT INTO join_requests (org_id, account_id, email, email_key, group_id, location_id, domain_id, source, locale, created_at)
        VALUES (${o.orgId}, ${o.accountId}, ${o.email}, ${o.emailKey}, ${o.groupId}, ${o.locationId}, ${o.domainId}, ${o.source}, ${o.locale}, ${o.now.toISOString()}::timestamptz)
        ON CONFLICT (org_id, email_key) WHERE status = 'pending'
        DO UPDATE SET account_id = EXCLUDED.account_id, group_id = EXCLUDED.group_id, location_id = EXCLUDED.location_id,
          domain_id = EXCLUDED.domain_id, source = EXCLUDED.source, locale = EXCLUDED.locale
        RETURNING id, (xmax = 0) AS created`,
  );
  return { id: row!.id, created: Boolean(row!.created) };
}

/** One page of an organization's requests, newest first, filtered by status, within the viewer's scope. */
export async function listRequests(
  db: Db,
  o: { orgId: string; scope: GroupScope; status?: string; limit: number; after?: [string, string] | null },
): Promise<JoinRequestRow[]> {
  return queryRows<JoinRequestRow>(
    db,
    sql`SELECT ${COLUMNS} FROM join_requests r
        WHERE r.org_id = ${o.orgId} AND ${inScope(o.scope)}
          ${o.status ? sql`AND r.status = ${o.status}` : sql``}
          ${o.after ? sql`AND (r.created_at, r.id) < (${o.after[0]}::timestamptz, ${o.after[1]}::uuid)` : sql``}
        ORDER BY r.created_at DESC, r.id DESC LIMIT ${o.limit + 1}`,
  );
}

/** How many requests of each status the viewer sees (the tab's badge). */
export async function countRequests(db: Db, o: { orgId: string; scope: GroupScope }): Promise<Record<string, number>> {
  const rows = await queryRows<{ status: string; n: number }>(
    db,
    sql`SELECT r.status, count(*)::int AS n FROM join_requests r WHERE r.org_id = ${o.orgId} AND ${inScope(o.scope)} GROUP BY r.status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Requests of the organization among `ids`, locked, whatever their status (for the caller to sort out). */
export async function lockRequests(tx: Db, o: { orgId: string; ids: string[]; scope: GroupScope }): Promise<JoinRequestRow[]> {
  return queryRows<JoinRequestRow>(
    tx,
    sql`SELECT ${COLUMNS} FROM join_requests r
        WHERE r.org_id = ${o.orgId} AND r.id = ANY(${uuidArray(o.ids)}) AND ${inScope(o.scope)}
        ORDER BY r.id FOR UPDATE OF r`,
  );
}

/**
 * Makes the people of the approved requests active members, in ONE statement for the whole batch (a
 * seat check belongs in this statement). An archived member comes back: an admin decided it.
 */
export async function insertMemberships(
  tx: Db,
  o: { orgId: string; requestIds: string[]; now: Date },
): Promise<{ accountId: string; created: boolean }[]> {
  return queryRows<{ accountId: string; created: boolean }>(
    tx,
    sql`INSERT INTO memberships (org_id, account_id, role, status, managed, source, created_at)
        SELECT r.org_id, r.account_id, 'learner', 'active', false, r.source, ${o.now.toISOString()}::timestamptz
        FROM join_requests r JOIN accounts a ON a.id = r.account_id
        WHERE r.org_id = ${o.orgId} AND r.id = ANY(${uuidArray(o.requestIds)}) AND r.status = 'pending'
        ON CONFLICT (org_id, account_id) DO UPDATE SET status = 'active', archived_at = NULL
        RETURNING account_id AS "accountId", (xmax = 0) AS created`,
  );
}

/** Retires the older invitations of people who just joined from the members list (as joining does). */
export async function retireInvitations(tx: Db, o: { orgId: string; emailKeys: string[] }): Promise<void> {
  if (o.emailKeys.length === 0) return;
  await tx.execute(
    sql`UPDATE invitations SET is_current = false, updated_at = now()
        WHERE org_id = ${o.orgId} AND email_key = ANY(string_to_array(${o.emailKeys.join('\n')}, E'\\n')) AND is_current AND status <> 'active'`,
  );
}

/** Records the decision on pending requests. */
export async function markDecided(
  tx: Db,
  o: { orgId: string; ids: string[]; status: 'approved' | 'rejected'; actorId: string; now: Date },
): Promise<void> {
  await tx.execute(
    sql`UPDATE join_requests SET status = ${o.status}, decided_by = ${o.actorId}, decided_at = ${o.now.toISOString()}::timestamptz
        WHERE org_id = ${o.orgId} AND id = ANY(${uuidArray(o.ids)}) AND status = 'pending'`,
  );
}

/** Requests made by an address (any organization) in the last hour: the per-address limit. */
export async function recentRequestsOf(db: Db, emailKey: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM join_requests WHERE email_key = ${emailKey} AND created_at > now() - interval '1 hour'`,
  );
  return Number(row?.n ?? 0);
}

/** Names of the groups and of the organization, for the emails. */
export async function namesFor(db: Db, orgId: string, groupIds: string[]): Promise<{ orgName: string; groups: Map<string, string> }> {
  const [org] = await queryRows<{ name: string }>(db, sql`SELECT name FROM organizations WHERE id = ${orgId}`);
  const groups = groupIds.length
    ? await queryRows<{ id: string; name: string }>(
        db,
        sql`SELECT id, name FROM groups WHERE org_id = ${orgId} AND id = ANY(${uuidArray(groupIds)})`,
      )
    : [];
  return { orgName: org?.name ?? '', groups: new Map(groups.map((g) => [g.id, g.name])) };
}
