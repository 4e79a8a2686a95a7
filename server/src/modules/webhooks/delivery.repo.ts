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

/** The oldest pending delivery of the endpoint, and whether it is due. */
export async function headDelivery(ctx: AppContext, endpointId: string): Promise<HeadDelivery | undefined> {
  const { rows } = await ctx.database.query<HeadDelivery>(
    `SELECT d.id, d.attempts, d.next_attempt_at <= now() AS due, m.id AS message_id, m.payload
       FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
      WHERE d.endpoint_id = $1 AND d.status = 'pending' ORDER BY d.seq LIMIT 1`,
    [endpointId],
  );
  return rows[0];
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
