import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { addAccountsToGroups } from '../groups/group-membership.service.js';
import { reevaluateRulesFor } from '../profile-fields/fields.service.js';
import { queryRows } from '../../lib/sql.js';
import { one } from '../../lib/rows.js';

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
  const row = one(
    await queryRows<{ role: string; created: boolean }>(
      tx,
      sql`INSERT INTO memberships (org_id, account_id, role, status, managed, source, created_at)
        VALUES (${o.orgId}, ${o.accountId}, ${o.role}, 'active', ${o.managed ?? false}, ${o.source}, ${o.now.toISOString()}::timestamptz)
        ON CONFLICT (org_id, account_id) DO UPDATE SET status = 'active', archived_at = NULL
        RETURNING role, (xmax = 0) AS created`,
    ),
    'membership',
  );
  await tx.execute(
    sql`UPDATE invitations SET is_current = false, updated_at = now()
        WHERE org_id = ${o.orgId} AND email_key = ${o.emailKey} AND is_current AND status <> 'active'`,
  );
  if (o.groupIds.length)
    await addAccountsToGroups(tx, { orgId: o.orgId, groupIds: o.groupIds, accountIds: [o.accountId], now: o.now, jobs: o.jobs });
  // issue 15: a new (or returning) member joins the rule-based groups that match them.
  await reevaluateRulesFor(tx, { orgId: o.orgId, accountIds: [o.accountId], now: o.now, jobs: o.jobs });
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
