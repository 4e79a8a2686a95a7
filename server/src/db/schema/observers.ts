import { date, index, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { accounts, organizations } from './foundation.js';

// Weekly digests sent to observers (migration 0009_observer_digests.sql).

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
  },
  (t) => [primaryKey({ columns: [t.orgId, t.accountId, t.week] }), index('observer_digests_account_idx').on(t.accountId)],
);
