import { and, desc, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditEvents } from '../../db/schema.js';
import { toStorable } from '../../http/input-guard.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';

export type AuditInput = {
  orgId?: string | null;
  actor?: { id: string; email: string } | null;
  action: string;
  targetType?: string;
  targetId?: string;
  ip?: string;
  data?: Record<string, unknown>;
};

/** The row of an audit event (jsonb refuses NUL and unpaired surrogates: an entry must never fail the change it records). */
function auditRow(input: AuditInput) {
  const e = toStorable(input);
  return {
    orgId: e.orgId ?? null,
    actorId: e.actor?.id ?? null,
    actorEmail: e.actor?.email ?? null,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    ip: e.ip ?? null,
    data: e.data ?? {},
  };
}

/** Records who did what to whom, when, from where; call it inside the change's transaction. */
export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  await db.insert(auditEvents).values(auditRow(input));
}

/**
 * A change (an `UPDATE … RETURNING`) that, in the same statement, records its audit event when it
 * matched: one event per returned row, `extra` (SQL over that row, `c`, giving a jsonb object) merged
 * into the event's data. Selects the change's rows. Made to be the last statement of a transaction
 * (Database.transactionEndingWith) where a hot row stays locked from the change to the commit (a
 * passcode's seat count): nothing else runs in between.
 */
export function changeWithAuditSql(change: SQL, extra: SQL, input: AuditInput): SQL {
  const r = auditRow(input);
  return sql`WITH c AS (${change}),
      audited AS (
        INSERT INTO audit_events (org_id, actor_id, actor_email, action, target_type, target_id, ip, data)
        SELECT ${r.orgId}::uuid, ${r.actorId}::uuid, ${r.actorEmail}, ${r.action}, ${r.targetType}, ${r.targetId}, ${r.ip},
               ${JSON.stringify(r.data)}::jsonb || ${extra} FROM c
      )
      SELECT * FROM c`;
}

/** One page of an organization's audit log, newest first. */
export async function listAuditEvents(db: Db, opts: { orgId: string; limit: number; cursor?: string; action?: string }) {
  const c = decodeCursor(opts.cursor, 2) as [string, string] | null;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.orgId, opts.orgId),
        opts.action ? eq(auditEvents.action, opts.action) : undefined,
        c ? or(lt(auditEvents.createdAt, c[0]), and(eq(auditEvents.createdAt, c[0]), lt(auditEvents.id, c[1]))) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit, (r) => [r.createdAt, r.id]);
}
