import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

// Rate-limit counters shared by every web process (migration 0012_rate_limits.sql, an UNLOGGED table).

export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    windowStart: ts('window_start').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('rate_limits_expires_idx').on(t.expiresAt)],
);
