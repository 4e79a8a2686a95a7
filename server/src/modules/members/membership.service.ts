import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { addAccountsToGroups } from '../groups/group-membership.service.js';
import { reevaluateRulesFor } from '../profile-fields/fields.service.js';
import { queryRows } from '../../lib/sql.js';
import { afterSeatsChanged, lockSeats, orgSeatFits, seatsFull } from '../seats/seats.service.js';

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
  // Seats (issue 16): the limit rows are locked first; the INSERT then counts under that lock, so a
  // new member (or a restored one) whose role takes a seat comes in only while one is free.
  const { orgLimit } = await lockSeats(tx, o.orgId, o.groupIds);
  const [row] = await queryRows<{ role: string; created: boolean }>(
    tx,
    sql`INSERT INTO memberships (org_id, account_id, role, status, managed, source, created_at)
        SELECT ${o.orgId}, ${o.accountId}, ${o.role}, 'active', ${o.managed ?? false}, ${o.source}, ${o.now.toISOString()}::timestamptz
        WHERE ${orgSeatFits(o.orgId, orgLimit, sql`${o.role}::text`)}
           OR EXISTS (SELECT 1 FROM memberships e WHERE e.org_id = ${o.orgId} AND e.account_id = ${o.accountId})
        ON CONFLICT (org_id, account_id) DO UPDATE SET status = 'active', archived_at = NULL
        WHERE memberships.status = 'active' OR ${orgSeatFits(o.orgId, orgLimit, sql`memberships.role`)}
        RETURNING role, (xmax = 0) AS created`,
  );
  if (!row) throw seatsFull('organization', { seatLimit: orgLimit });
  await tx.execute(
    sql`UPDATE invitations SET is_current = false, updated_at = now()
        WHERE org_id = ${o.orgId} AND email_key = ${o.emailKey} AND is_current AND status <> 'active'`,
  );
  if (o.groupIds.length)
    await addAccountsToGroups(tx, { orgId: o.orgId, groupIds: o.groupIds, accountIds: [o.accountId], now: o.now, jobs: o.jobs });
  // issue 15: a new (or returning) member joins the rule-based groups that match them.
  await reevaluateRulesFor(tx, { orgId: o.orgId, accountIds: [o.accountId], now: o.now, jobs: o.jobs });
  if (orgLimit !== null) await afterSeatsChanged(tx, o.jobs, o.orgId);
  return { created: Boolean(row.created), role: row.role };
}

/** The status of the account's membership of the organization, or null when it has none. */
export async function membershipStatus(db: Db, orgId: string, accountId: string): Promise<string | null> {
  const [row] = await queryRows<{ status: string }>(
    db,
    sql`SELECT status FROM memberships WHERE org_id = ${orgId} AND account_id = ${accountId}`,
  );
  return row?.status ?? null;
}
