import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns.js';
import { accounts, organizations } from './foundation.js';

// People provisioned by another system under its own id (migration 0014_webhooks.sql).

export const provisionedPeople = pgTable(
  'provisioned_people',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    emailKey: text('email_key').notNull(),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    invitationId: uuid('invitation_id'),
    requestHash: text('request_hash').notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.externalId] }), index('provisioned_people_email_idx').on(t.orgId, t.emailKey)],
);
