import type { Db } from '../../db/client.js';
import { rawSql } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { DELIVER_JOB } from './job-names.js';
import { EVENT_BATCH_SIZE, type EventType } from './event-types.js';

// The outbox. Call recordEvent inside the transaction of the change: the message, one delivery per
// subscribed endpoint and their jobs commit with the change or not at all, and are sent after commit.
// An organization without endpoints pays one indexed lookup and writes nothing.

/** Records one event for the organization's subscribed endpoints; returns the message id (null: nobody listens). */
export async function recordEvent(
  tx: Db,
  jobs: JobQueue,
  orgId: string,
  type: EventType,
  data: Record<string, unknown>,
  opts: { endpointId?: string } = {},
) {
  const payload = { type, timestamp: new Date().toISOString(), data };
  const res = await tx.execute(
    rawSql(
      `WITH targets AS (
         SELECT id FROM webhook_endpoints WHERE org_id = $1 AND enabled AND (CASE WHEN $4::uuid IS NULL THEN $2 = ANY(events) ELSE id = $4::uuid END)
       ), msg AS (
         INSERT INTO webhook_messages (org_id, type, payload) SELECT $1, $2, $3::jsonb WHERE EXISTS (SELECT 1 FROM targets) RETURNING id
       )
       INSERT INTO webhook_deliveries (endpoint_id, message_id) SELECT targets.id, msg.id FROM targets, msg
       RETURNING endpoint_id, message_id`,
      [orgId, type, payload, opts.endpointId ?? null],
    ),
  );
  const rows = ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[])) as { endpoint_id: string; message_id: string }[];
  if (rows.length === 0) return null;
  await jobs.sendMany(
    DELIVER_JOB,
    rows.map((r) => ({ endpointId: r.endpoint_id })),
    { tx },
  );
  return rows[0]?.message_id ?? null;
}

/** Records the per-person events of a bulk change, grouped: one message per EVENT_BATCH_SIZE items, `data: {items, count}`. */
export async function recordBatchEvents(
  tx: Db,
  jobs: JobQueue,
  orgId: string,
  type: EventType,
  items: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Promise<void> {
  for (let i = 0; i < items.length; i += EVENT_BATCH_SIZE) {
    const slice = items.slice(i, i + EVENT_BATCH_SIZE);
    await recordEvent(tx, jobs, orgId, type, { ...extra, items: slice, count: slice.length });
  }
}

/** Whether an enabled endpoint of the organization wants this event (before collecting per-row data for it). */
export async function hasSubscribers(tx: Db, orgId: string, type: EventType): Promise<boolean> {
  const res = await tx.execute(
    rawSql(`SELECT 1 FROM webhook_endpoints WHERE org_id = $1 AND enabled AND $2 = ANY(events) LIMIT 1`, [orgId, type]),
  );
  const rows = (res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[]);
  return rows.length > 0;
}
