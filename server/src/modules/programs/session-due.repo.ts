import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

// Due dates relative to enrolment (issue 15): a session's settings, and each enrolment's own due date.

export type DueSettings = { dueDaysAfterEnrolment?: number | null; remindDaysBefore?: number | null; remindWhenLate?: boolean };

/**
 * Saves the settings given (the others stay) and, when the number of days changed, gives every
 * enrolment of the session its due date again from its enrolment time: one statement.
 */
export async function saveDueSettings(tx: Db, o: { orgId: string; sessionId: string } & DueSettings): Promise<void> {
  const sets = [
    o.dueDaysAfterEnrolment !== undefined ? sql`due_days_after_enrolment = ${o.dueDaysAfterEnrolment}::int` : null,
    o.remindDaysBefore !== undefined ? sql`remind_days_before = ${o.remindDaysBefore}::int` : null,
    o.remindWhenLate !== undefined ? sql`remind_when_late = ${o.remindWhenLate}` : null,
  ].filter((x) => x !== null);
  if (!sets.length) return;
  await tx.execute(sql`UPDATE program_sessions SET ${sql.join(sets, sql`, `)} WHERE org_id = ${o.orgId} AND id = ${o.sessionId}`);
  if (o.dueDaysAfterEnrolment !== undefined)
    await tx.execute(sql`
      UPDATE enrolments e SET due_at = e.created_at + ${o.dueDaysAfterEnrolment}::int * interval '1 day'
      WHERE e.org_id = ${o.orgId} AND e.session_id = ${o.sessionId} AND e.due_at IS DISTINCT FROM e.created_at + ${o.dueDaysAfterEnrolment}::int * interval '1 day'`);
}
