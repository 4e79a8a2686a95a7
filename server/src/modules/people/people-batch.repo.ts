import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { queryRows } from '../../lib/sql.js';

// SQL of batch provisioning. Every read is scoped by the organization (another one's batch is 404).

export type BatchRow = {
  id: string;
  orgId: string;
  actor: Record<string, unknown>;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  rowsDone: number;
  progress: number;
  counts: Record<string, number>;
  createdAt: string;
  finishedAt: string | null;
};

const batchColumns = sql`id, org_id AS "orgId", actor, status, total, rows_done AS "rowsDone", progress, counts,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "finishedAt"`;

/** Writes the batch and its people (one statement for the people, whatever their number). */
export async function insertBatch(
  tx: Db,
  o: { orgId: string; createdBy: string; actor: object; people: { externalId: string }[] },
): Promise<BatchRow> {
  const [batch] = await queryRows<BatchRow>(
    tx,
    sql`INSERT INTO people_batches (org_id, created_by, actor, total) VALUES (${o.orgId}, ${o.createdBy}, ${JSON.stringify(o.actor)}::jsonb, ${o.people.length})
      RETURNING ${batchColumns}`,
  );
  if (!batch) throw new Error('people batch not inserted');
  await tx.execute(
    sql`INSERT INTO people_batch_rows (batch_id, line, external_id, input)
      SELECT ${batch.id}::uuid, t.ord - 1, t.e->>'externalId', t.e FROM jsonb_array_elements(${JSON.stringify(o.people)}::jsonb) WITH ORDINALITY AS t(e, ord)`,
  );
  return batch;
}

export async function findBatch(db: Db, orgId: string, batchId: string): Promise<BatchRow | undefined> {
  const [row] = await queryRows<BatchRow>(db, sql`SELECT ${batchColumns} FROM people_batches WHERE id = ${batchId} AND org_id = ${orgId}`);
  return row;
}

/** Marks the batch running (a claim for display; the apply's lock is the real one). Undefined when there is nothing to do. */
export async function markRunning(db: Db, batchId: string): Promise<BatchRow | undefined> {
  const [row] = await queryRows<BatchRow>(
    db,
    sql`UPDATE people_batches SET status = 'running', heartbeat_at = now() WHERE id = ${batchId} AND status IN ('queued', 'running')
      RETURNING ${batchColumns}`,
  );
  return row;
}

/** Takes the batch's lock for this transaction (one apply at a time) and says whether it still has to run. */
export async function lockOpenBatch(tx: Db, batchId: string): Promise<boolean> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`people-batch:${batchId}`}, 0))`);
  const [row] = await queryRows<{ status: string }>(tx, sql`SELECT status FROM people_batches WHERE id = ${batchId}`);
  return row?.status === 'queued' || row?.status === 'running';
}

/** Whether another transaction holds the batch's lock (a live apply). */
export async function isBatchBusy(tx: Db, batchId: string): Promise<boolean> {
  const [row] = await queryRows<{ free: boolean }>(
    tx,
    sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`people-batch:${batchId}`}, 0)) AS free`,
  );
  return !row?.free;
}

export type InputRow = { line: number; input: Record<string, unknown> };

/** The people of a batch in request order, a slice at a time. */
export async function inputRows(tx: Db, batchId: string, afterLine: number, limit: number): Promise<InputRow[]> {
  return queryRows<InputRow>(
    tx,
    sql`SELECT line, input FROM people_batch_rows WHERE batch_id = ${batchId} AND line > ${afterLine} ORDER BY line LIMIT ${limit}`,
  );
}

/** Writes the results of a slice of people in one statement. */
export async function saveResults(tx: Db, batchId: string, results: { line: number; outcome: string; result: object }[]): Promise<void> {
  if (results.length === 0) return;
  await tx.execute(
    sql`UPDATE people_batch_rows r SET outcome = v.outcome, result = v.result
      FROM jsonb_to_recordset(${JSON.stringify(results)}::jsonb) AS v(line int, outcome text, result jsonb)
      WHERE r.batch_id = ${batchId} AND r.line = v.line`,
  );
}

export async function finishBatch(tx: Db, batchId: string, counts: Record<string, number>, total: number): Promise<void> {
  await tx.execute(
    sql`UPDATE people_batches SET status = 'done', counts = ${JSON.stringify(counts)}::jsonb, progress = 100, rows_done = ${total},
        finished_at = now(), heartbeat_at = now() WHERE id = ${batchId}`,
  );
}

export type ResultRow = { line: number; externalId: string; outcome: string | null; result: Record<string, unknown> | null };

export async function listResults(db: Db, o: { orgId: string; batchId: string; outcome?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(o.cursor, 1)?.[0];
  const rows = await queryRows<ResultRow>(
    db,
    sql`SELECT r.line, r.external_id AS "externalId", r.outcome, r.result FROM people_batch_rows r
      JOIN people_batches b ON b.id = r.batch_id AND b.org_id = ${o.orgId}
      WHERE r.batch_id = ${o.batchId} ${o.outcome ? sql`AND r.outcome = ${o.outcome}` : sql``}
        ${after !== undefined ? sql`AND r.line > ${Number(after)}` : sql``}
      ORDER BY r.line LIMIT ${o.limit + 1}`,
  );
  return toPage(rows, o.limit, (r) => [r.line]);
}

/** Batches whose run is lost: no heartbeat for two minutes. */
export async function stalledBatches(db: Db): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM people_batches WHERE status IN ('queued', 'running') AND coalesce(heartbeat_at, created_at) < now() - interval '2 minutes'`,
  );
  return rows.map((r) => r.id);
}
