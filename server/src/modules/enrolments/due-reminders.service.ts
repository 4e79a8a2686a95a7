import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { tsParam } from '../../lib/sql.js';
import { queueEmailsFrom } from '../../mail/outbox.js';

// Reminders of due dates (issue 15), off unless a session asks for them: N days before a learner's
// own due date, and once when they are late. The key (enrolment, kind) of due_reminders is the
// claim: a reminder is written and its email queued in one statement, so however many runs (or
// workers) overlap, each enrolment gets each kind once.

const REMIND = 'enrolments.due-reminders';

/** Claims and queues every reminder due now, set-based; returns how many emails were queued. */
export async function sendDueReminders(ctx: AppContext): Promise<number> {
  const now = tsParam(ctx.clock.now());
  return ctx.db.transaction((tx) =>
    queueEmailsFrom(tx, ctx.jobs, {
      ctes: sql`
      wanted AS (
        SELECT e.id, e.org_id, e.account_id, e.percent, s.program_id, coalesce(e.due_at, s.closes_at) AS due_at,
          CASE WHEN coalesce(e.due_at, s.closes_at) <= ${now} THEN (CASE WHEN s.remind_when_late THEN 'late' END)
               WHEN s.remind_days_before IS NOT NULL AND coalesce(e.due_at, s.closes_at) - s.remind_days_before * interval '1 day' <= ${now} THEN 'before'
          END AS kind
        FROM program_sessions s
        JOIN enrolments e ON e.session_id = s.id
        JOIN memberships m ON m.org_id = e.org_id AND m.account_id = e.account_id AND m.status = 'active'
        WHERE (s.remind_days_before IS NOT NULL OR s.remind_when_late) AND e.completed_at IS NULL
          AND coalesce(e.due_at, s.closes_at) IS NOT NULL
      ),
      claimed AS (
        INSERT INTO due_reminders (enrolment_id, kind, sent_at)
        SELECT id, kind, ${now} FROM wanted WHERE kind IS NOT NULL
        ON CONFLICT DO NOTHING
        RETURNING enrolment_id, kind
      )`,
      select: sql`
        SELECT w.org_id, w.id, a.email, 'due-reminder', a.locale,
               jsonb_build_object('kind', c.kind, 'orgName', o.name, 'programTitle', p.title, 'dueAt', w.due_at, 'percent', w.percent)
        FROM claimed c JOIN wanted w ON w.id = c.enrolment_id
        JOIN accounts a ON a.id = w.account_id JOIN organizations o ON o.id = w.org_id JOIN programs p ON p.id = w.program_id`,
    }),
  );
}

export const dueReminderJobs: JobDefinition[] = [
  { name: REMIND, schema: z.object({}).passthrough(), handler: async (ctx) => void (await sendDueReminders(ctx)), cron: '40 * * * *' },
];
