import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows, tsParam } from '../../lib/sql.js';

// The last computed dashboard of a large group (table group_dashboards, migration 0026).

export type Snapshot<T> = { computedAt: Date; payload: T };

export async function readSnapshot<T>(db: Db, o: { orgId: string; groupId: string }): Promise<Snapshot<T> | null> {
  const [row] = await queryRows<{ computedAt: string | Date; payload: T }>(
    db,
    sql`SELECT computed_at AS "computedAt", payload FROM group_dashboards WHERE org_id = ${o.orgId} AND group_id = ${o.groupId}`,
  );
  return row ? { computedAt: new Date(row.computedAt), payload: row.payload } : null;
}

/** Keeps a computation unless a later one is already stored; the queued refresh is done either way. */
export async function saveSnapshot(db: Db, o: { orgId: string; groupId: string; computedAt: Date; people: number; payload: unknown }) {
  await db.execute(sql`INSERT INTO group_dashboards (org_id, group_id, computed_at, people, payload)
    VALUES (${o.orgId}, ${o.groupId}, ${tsParam(o.computedAt)}, ${o.people}, ${JSON.stringify(o.payload)}::jsonb)
    ON CONFLICT (org_id, group_id) DO UPDATE SET
      computed_at = greatest(group_dashboards.computed_at, EXCLUDED.computed_at),
      people = CASE WHEN EXCLUDED.computed_at >= group_dashboards.computed_at THEN EXCLUDED.people ELSE group_dashboards.people END,
      payload = CASE WHEN EXCLUDED.computed_at >= group_dashboards.computed_at THEN EXCLUDED.payload ELSE group_dashboards.payload END,
      refresh_queued_at = NULL`);
}

/** A group that became small again is computed live: its stored dashboard goes. */
export async function dropSnapshot(db: Db, o: { orgId: string; groupId: string }) {
  await db.execute(sql`DELETE FROM group_dashboards WHERE org_id = ${o.orgId} AND group_id = ${o.groupId}`);
}

/**
 * Claims the refresh of a stale dashboard: true for the one caller that should queue the job (none is
 * queued, or the last one was queued more than `retryAfterSeconds` ago and never finished).
 */
export async function claimRefresh(db: Db, o: { orgId: string; groupId: string; now: Date; retryAfterSeconds: number }): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`UPDATE group_dashboards SET refresh_queued_at = ${tsParam(o.now)}
      WHERE org_id = ${o.orgId} AND group_id = ${o.groupId}
        AND (refresh_queued_at IS NULL OR refresh_queued_at < ${tsParam(o.now)} - make_interval(secs => ${o.retryAfterSeconds}))
      RETURNING 1`,
  );
  return rows.length > 0;
}
