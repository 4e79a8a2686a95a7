import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timeOrderedId, ts } from './columns.js';
import { accounts, organizations } from './foundation.js';

// Email address changes waiting for the new address to be confirmed (migration 0020_email_changes.sql).

export const emailChanges = pgTable(
  'email_changes',
  {
    id: timeOrderedId(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    oldEmail: text('old_email').notNull(),
    newEmail: text('new_email').notNull(),
    newEmailKey: text('new_email_key').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    requestedBy: uuid('requested_by').references(() => accounts.id, { onDelete: 'set null' }),
    orgId: uuid('org_id').references(() => organizations.id, { onDelete: 'set null' }),
    expiresAt: ts('expires_at').notNull(),
    confirmedAt: ts('confirmed_at'),
    cancelledAt: ts('cancelled_at'),
    createdAt: createdAt(),
  },
  (t) => [index('email_changes_account_idx').on(t.accountId)],
);
