import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { queryRows, tsParam, uuidArray } from '../../lib/sql.js';

export type PersonRow = { accountId: string; name: string; email: string; role: string; status: string; addedAt: string | Date };
type LinkTable = 'group_members' | 'group_observers';

/** A page of the members (or observers) of a group, by name. */
export async function listLinked(
  db: Db,
  table: LinkTable,
  o: { orgId: string; groupId: string; limit: number; cursor?: string; q?: string },
) {
  const c = decodeCursor(o.cursor, 2) as [string, string] | null;
  const where: SQL[] = [sql`l.org_id = ${o.orgId}`, sql`l.group_id = ${o.groupId}`];
  if (o.q) {
    const like = `%${o.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(sql`(lower(a.name) LIKE ${like} OR a.email_key LIKE ${like})`);
  }
  if (c) where.push(sql`(a.name, a.id) > (${String(c[0])}, ${String(c[1])}::uuid)`);
  const rows = await queryRows<PersonRow>(
    db,
    sql`SELECT a.id AS "accountId", a.name, a.email, m.role, m.status, l.created_at AS "addedAt"
      FROM ${sql.raw(table)} l
      JOIN accounts a ON a.id = l.account_id
      JOIN memberships m ON m.org_id = l.org_id AND m.account_id = l.account_id
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY a.name, a.id LIMIT ${o.limit + 1}`,
  );
  return toPage(rows, o.limit, (r) => [r.name, r.accountId]);
}

/** Every observer of a group (a handful), for the group's detail. */
export async function allObservers(db: Db, orgId: string, groupId: string) {
  return queryRows<{ id: string; name: string; email: string; role: string }>(
    db,
    sql`SELECT a.id, a.name, a.email, m.role FROM group_observers o
      JOIN accounts a ON a.id = o.account_id
      JOIN memberships m ON m.org_id = o.org_id AND m.account_id = o.account_id
      WHERE o.org_id = ${orgId} AND o.group_id = ${groupId} ORDER BY a.name, a.id LIMIT 500`,
  );
}

/** Adds observers (validated by the caller); returns rows actually added. */
export async function insertObservers(tx: Db, o: { orgId: string; groupId: string; accountIds: string[]; now: Date }): Promise<number> {
  const rows = await queryRows(
    tx,
    sql`INSERT INTO group_observers (org_id, group_id, account_id, created_at)
      SELECT ${o.orgId}, ${o.groupId}, x.id, ${tsParam(o.now)} FROM unnest(${uuidArray(o.accountIds)}) AS x(id)
      ON CONFLICT DO NOTHING RETURNING 1`,
  );
  return rows.length;
}

export async function deleteObserver(tx: Db, o: { orgId: string; groupId: string; accountId: string }): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`DELETE FROM group_observers WHERE org_id = ${o.orgId} AND group_id = ${o.groupId} AND account_id = ${o.accountId} RETURNING 1`,
  );
  return rows.length > 0;
}

/** Ids of the members of the given groups (before deleting them). */
export async function membersOfGroups(db: Db, orgId: string, groupIds: string[]): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT DISTINCT account_id AS id FROM group_members WHERE org_id = ${orgId} AND group_id = ANY(${uuidArray(groupIds)})`,
  );
  return rows.map((r) => r.id);
}

/** Storage keys of the logos and backgrounds of the given groups (to remove the files after deleting them). */
export async function imageKeysOf(db: Db, orgId: string, groupIds: string[]): Promise<string[]> {
  const rows = await queryRows<{ k: string | null }>(
    db,
    sql`SELECT unnest(ARRAY[logo_key, background_key]) AS k FROM groups WHERE org_id = ${orgId} AND id = ANY(${uuidArray(groupIds)})`,
  );
  return rows.flatMap((r) => (r.k ? [r.k] : []));
}
