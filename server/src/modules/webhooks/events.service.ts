import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { rawSql } from '../../db/client.js';
import type { IdRef } from '../../lib/sql.js';
import type { JobQueue } from '../../jobs/queue.js';
import { DELIVER_JOB } from './job-names.js';
import { EVENT_BATCH_SIZE, EVENT_TYPES, type EventType } from './event-types.js';

// The outbox. Call recordEvent inside the transaction of the change: the message, one delivery per
// subscribed endpoint and their jobs commit with the change or not at all, and are sent after commit.
// An organization without endpoints pays one indexed lookup and writes nothing.

/**
 * Organizations a transaction found to have no enabled endpoint (endpointsExistSql, read in a statement
 * that prepares a change): its events and subscriber checks there write and read nothing more. An
 * endpoint created meanwhile is as if created after this transaction.
 */
const withoutEndpoints = new WeakMap<Db, Set<string>>();

/** SQL true when the organization has an enabled endpoint; tell the answer to noteEndpoints. */
export const endpointsExistSql = (orgId: IdRef) => sql`EXISTS (SELECT 1 FROM webhook_endpoints WHERE org_id = ${orgId} AND enabled)`;

/** Remembers, for the rest of the transaction `tx` (a transaction's object, never the pool's), whether the organization has an enabled endpoint. */
export function noteEndpoints(tx: Db, orgId: string, exist: boolean): void {
  const known = withoutEndpoints.get(tx);
  if (exist) known?.delete(orgId);
  else if (known) known.add(orgId);
  else withoutEndpoints.set(tx, new Set([orgId]));
}

const quiet = (tx: Db, orgId: string) => withoutEndpoints.get(tx)?.has(orgId) === true;

/** A held event; `grouped` when it was recorded as an item of a bulk message (its kind is always sent as `{items, count}`). */
export type HeldEvent = { type: EventType; data: Record<string, unknown>; grouped?: true };
const holding = new AsyncLocalStorage<HeldEvent[]>();

/**
 * Runs `fn` with the events it records held back instead of written, and returns them: a change made of
 * several steps (a provisioning upsert, a batch of them) then records them in a sensible order, or grouped.
 * Events held by a step that fails are dropped with it by the caller.
 */
export async function holdEvents<T>(fn: () => Promise<T>): Promise<{ result: T; events: HeldEvent[] }> {
  const events: HeldEvent[] = [];
  const result = await holding.run(events, fn);
  return { result, events };
}

const rank = (t: EventType) => {
  const i = (EVENT_TYPES as readonly string[]).indexOf(t);
  return i < 0 ? EVENT_TYPES.length : i;
};
/** Held events in the order a receiver expects (a person joins before they are enrolled), stable within a type. */
const ordered = (events: HeldEvent[]) => events.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e.type) - rank(b.e.type) || a.i - b.i);

/**
 * Records held events in order of kind (member.joined before group.member_added before enrolment.created):
 * one message each, except those recorded as items of a bulk message, which stay so (one message per kind).
 */
export async function recordHeldEvents(tx: Db, jobs: JobQueue, orgId: string, events: HeldEvent[]): Promise<void> {
  const list = ordered(events).map(({ e }) => e);
  for (let i = 0; i < list.length; ) {
    const e = list[i] as HeldEvent;
    if (!e.grouped) {
      await recordEvent(tx, jobs, orgId, e.type, e.data);
      i++;
      continue;
    }
    const items: Record<string, unknown>[] = [];
    for (; i < list.length && list[i]?.grouped && list[i]?.type === e.type; i++) items.push((list[i] as HeldEvent).data);
    await recordBatchEvents(tx, jobs, orgId, e.type, items);
  }
}

/** Records held events of a bulk change grouped per kind, EVENT_BATCH_SIZE people per message, `data: {...extra, items, count}`. */
export async function recordHeldEventsGrouped(
  tx: Db,
  jobs: JobQueue,
  orgId: string,
  events: HeldEvent[],
  extra: Record<string, unknown>,
): Promise<void> {
  const byType = new Map<EventType, Record<string, unknown>[]>();
  for (const { e } of ordered(events)) {
    const list = byType.get(e.type);
    if (list) list.push(e.data);
    else byType.set(e.type, [e.data]);
  }
  for (const [type, items] of byType)
    if (await hasSubscribers(tx, orgId, type)) await recordBatchEvents(tx, jobs, orgId, type, items, extra);
}

/** Records one event for the organization's subscribed endpoints; returns the message id (null: nobody listens, or held). */
export async function recordEvent(
  tx: Db,
  jobs: JobQueue,
  orgId: string,
  type: EventType,
  data: Record<string, unknown>,
  opts: { endpointId?: string } = {},
) {
  const held = opts.endpointId ? undefined : holding.getStore();
  if (held) {
    held.push({ type, data });
    return null;
  }
  if (!opts.endpointId && quiet(tx, orgId)) return null;
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
  const held = holding.getStore();
  if (held) {
    for (const data of items) held.push({ type, data, grouped: true });
    return;
  }
  for (let i = 0; i < items.length; i += EVENT_BATCH_SIZE) {
    const slice = items.slice(i, i + EVENT_BATCH_SIZE);
    await recordEvent(tx, jobs, orgId, type, { ...extra, items: slice, count: slice.length });
  }
}

/** Whether an enabled endpoint of the organization wants this event (before collecting per-row data for it). */
export async function hasSubscribers(tx: Db, orgId: string, type: EventType): Promise<boolean> {
  if (quiet(tx, orgId)) return false;
  const res = await tx.execute(
    rawSql(`SELECT 1 FROM webhook_endpoints WHERE org_id = $1 AND enabled AND $2 = ANY(events) LIMIT 1`, [orgId, type]),
  );
  const rows = (res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[]);
  return rows.length > 0;
}
