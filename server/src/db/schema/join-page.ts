import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns.js';
import { accounts, organizations } from './foundation.js';

// The public join page of an organization (migration 0004_join_page.sql).

export const joinPages = pgTable(
  'join_pages',
  {
    orgId: uuid('org_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull().default(false),
    slug: text('slug').notNull().unique(),
    allowedDomains: text('allowed_domains').array().notNull().default(sql`'{}'`),
    groupIds: uuid('group_ids').array().notNull().default(sql`'{}'`),
    locationIds: uuid('location_ids').array().notNull().default(sql`'{}'`),
    requireApproval: boolean('require_approval').notNull().default(false),
    updatedBy: uuid('updated_by').references(() => accounts.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [check('join_pages_slug_check', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)],
);
