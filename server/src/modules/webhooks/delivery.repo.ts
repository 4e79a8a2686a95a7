import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { rawSql } from '../../db/client.js';

// SQL of the delivery worker. Times are the database's now(), the same for every process.

export type LeasedEndpoint = {
  id: string;
  org_id: string;
  url: string;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_valid: boolean;
};
export type HeadDelivery = { id: string; attempts: number; due: boolean; message_id: string; payload: unknown };

const LEASE = "interval '60 seconds'";

/** Takes the endpoint's lease (one worker delivers an endpoint at a time, so its messages go in order). */
export async function claimEndpoint(ctx: AppContext, endpointId: string): Promise<LeasedEndpoint | undefined> {
  const { rows } = await ctx.database.query<LeasedEndpoint>(
    `UPDATE webhook_endpoints SET lease_until = now() + ${LEASE}
      WHERE id = $1 AND enabled AND (lease_until IS NULL OR lease_until < now())
      RETURNING id, org_id, url, secret_enc, previous_secret_enc, COALESCE(previous_secret_until > now(), false) AS previous_valid`,
    [endpointId],
  );
  return rows[0];
}

export async function renewLease(ctx: AppContext, endpointId: string): Promise<void> {
  await ctx.database.query(`UPDATE webhook_endpoints SET lease_until = now() + ${LEASE} WHERE id = $1`, [endpointId]);
}

export async function releaseLease(ctx: AppContext, endpointId: string): Promise<void> {
  await ctx.database.query(`UPDATE webhook_endpoints SET lease_until = NULL WHERE id = $1`, [endpointId]);
}

/** The endpoint's oldest pending deliveries in order (at most `limit`), each with whether it is due. */
export async function pendingDeliveries(ctx: AppContext, endpointId: string, limit: number): Promise<HeadDelivery[]> {
  const { rows } = await ctx.database.query<HeadDelivery>(
    `SELECT d.id, d.attempts, d.next_attempt_at <= now() AS due, m.id AS message_id, m.payload
       FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
      WHERE d.endpoint_id = $1 AND d.status = 'pending' ORDER BY d.seq LIMIT $2`,
    [endpointId, limit],
  );
  return rows;
}

export type Delivered = { id: string; statusCode: number; durationMs: number; excerpt: string | null };

/** Records a run of successful deliveries in one statement: their attempts, their status, the endpoint healthy again. */
export async function recordDelivered(ctx: AppContext, endpointId: string, done: Delivered[]): Promise<void> {
  if (!done.length) return;
  await ctx.database.query(
    `WITH v AS (SELECT * FROM unnest($2::uuid[], $3::int[], $4::int[], $5::text[]) AS v(id, code, duration, excerpt)),
          a AS (INSERT INTO webhook_attempts (delivery_id, status_code, duration_ms, response_excerpt)
                SELECT id, code, duration, excerpt FROM v),
          u AS (UPDATE webhook_deliveries d SET status = 'delivered', attempts = d.attempts + 1, last_status_code = v.code,
                       delivered_at = now()
                  FROM v WHERE d.id = v.id AND d.status = 'pending')
     UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`,
    [endpointId, done.map((d) => d.id), done.map((d) => d.statusCode), done.map((d) => d.durationMs), done.map((d) => d.excerpt)],
  );
}

/** Whether the endpoint has a due delivery and no worker on it. */
export async function hasDueDelivery(ctx: AppContext, endpointId: string): Promise<boolean> {
  const { rows } = await ctx.database.query(
    `SELECT 1 FROM webhook_endpoints e
      WHERE e.id = $1 AND e.enabled AND (e.lease_until IS NULL OR e.lease_until < now())
        AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= now())`,
    [endpointId],
  );
  return rows.length > 0;
}

/** Endpoints with a due delivery and no live lease (what a crash or a restart left). */
export async function dueEndpoints(ctx: AppContext): Promise<string[]> {
  const { rows } = await ctx.database.query<{ id: string }>(
    `SELECT e.id FROM webhook_endpoints e
      WHERE e.enabled AND (e.lease_until IS NULL OR e.lease_until < now())
        AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= now())
      LIMIT 1000`,
  );
  return rows.map((r) => r.id);
}

/** Runs SQL with $n parameters inside a transaction. */
export async function run<T = Record<string, unknown>>(tx: Db, text: string, values: unknown[]): Promise<T[]> {
  const res = await tx.execute(rawSql(text, values));
  return ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as T[];
}
