import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../lib/sql.js';

export type PrefRow = { orgId: string; orgName: string; groupId: string; groupName: string; frequency: 'weekly' | 'daily' | 'off' };

/** The groups an account observes (in organizations where it is an active member), with its digest frequency for each. */
export async function listPrefs(db: Db, o: { accountId: string; orgId?: string }): Promise<PrefRow[]> {
  return queryRows<PrefRow>(
    db,
    sql`SELECT o.org_id AS "orgId", org.name AS "orgName", g.id AS "groupId", g.name AS "groupName",
               coalesce(p.frequency, 'weekly') AS frequency
        FROM group_observers o
        JOIN memberships m ON m.org_id = o.org_id AND m.account_id = o.account_id AND m.status = 'active'
        JOIN organizations org ON org.id = o.org_id
        JOIN groups g ON g.id = o.group_id
        LEFT JOIN observer_digest_prefs p ON p.account_id = o.account_id AND p.group_id = o.group_id
        WHERE o.account_id = ${o.accountId} ${o.orgId ? sql`AND o.org_id = ${o.orgId}` : sql``}
        ORDER BY org.name, g.name_key, g.id`,
  );
}

/** Sets the frequency of the observed groups matching the filters, in one statement; returns how many. */
export async function setPrefs(db: Db, o: { accountId: string; orgId?: string; groupId?: string; frequency: string }): Promise<number> {
  const rows = await queryRows(
    db,
    sql`INSERT INTO observer_digest_prefs (org_id, account_id, group_id, frequency)
        SELECT o.org_id, o.account_id, o.group_id, ${o.frequency}
        FROM group_observers o
        JOIN memberships m ON m.org_id = o.org_id AND m.account_id = o.account_id AND m.status = 'active'
        WHERE o.account_id = ${o.accountId}
          ${o.orgId ? sql`AND o.org_id = ${o.orgId}` : sql``}
          ${o.groupId ? sql`AND o.group_id = ${o.groupId}` : sql``}
        ON CONFLICT (account_id, group_id) DO UPDATE SET frequency = EXCLUDED.frequency, updated_at = now()
        RETURNING 1`,
  );
  return rows.length;
}
