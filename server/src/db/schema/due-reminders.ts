import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { oneOf, ts } from './columns.js';
import { enrolments } from './groups.js';

// Reminders of due dates sent to learners, one per enrolment and kind (migration 0022_import_modes_due_dates.sql).

export const dueReminders = pgTable(
  'due_reminders',
  {
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .references(() => enrolments.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    sentAt: ts('sent_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.enrolmentId, t.kind] }), oneOf('due_reminders_kind_check', t.kind, ['before', 'late'])],
);
