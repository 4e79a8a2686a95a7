import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, ts } from './columns.js';
import { accounts, organizations } from './foundation.js';
import { groups } from './groups.js';
import { invitations } from './invitations.js';

// Digests sent to observers (migrations 0009_observer_digests.sql, 0019_observer_prefs_reminders.sql).

export const observerDigests = pgTable(
  'observer_digests',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    week: date('week').notNull(),
    createdAt: createdAt(),
    period: text('period').notNull().default('weekly'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.accountId, t.period, t.week] }),
    index('observer_digests_account_idx').on(t.accountId),
    oneOf('observer_digests_period_check', t.period, ['weekly', 'daily']),
  ],
);

/** How often an observer hears about one group; no row means weekly. */
export const observerDigestPrefs = pgTable(
  'observer_digest_prefs',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    frequency: text('frequency').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.groupId] }),
    index('observer_digest_prefs_org_idx').on(t.orgId, t.accountId),
    oneOf('observer_digest_prefs_frequency_check', t.frequency, ['weekly', 'daily', 'off']),
  ],
);

// Invitation reminders (migration 0019): the organization's settings, and per invitation the override
// of a batch or an import plus the count of reminders sent.

export const invitationReminderSettings = pgTable(
  'invitation_reminder_settings',
  {
    orgId: uuid('org_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull().default(false),
    afterDays: integer('after_days').notNull().default(3),
    maxCount: integer('max_count').notNull().default(2),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('invitation_reminder_settings_after_check', sql`${t.afterDays} > 0`),
    check('invitation_reminder_settings_max_check', sql`${t.maxCount} > 0`),
  ],
);

export const invitationReminders = pgTable(
  'invitation_reminders',
  {
    invitationId: uuid('invitation_id')
      .primaryKey()
      .references(() => invitations.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled'),
    afterDays: integer('after_days'),
    maxCount: integer('max_count'),
    sentCount: integer('sent_count').notNull().default(0),
    lastSentAt: ts('last_sent_at'),
  },
  (t) => [
    index('invitation_reminders_org_idx').on(t.orgId),
    check('invitation_reminders_after_check', sql`${t.afterDays} IS NULL OR ${t.afterDays} > 0`),
    check('invitation_reminders_max_check', sql`${t.maxCount} IS NULL OR ${t.maxCount} > 0`),
  ],
);
