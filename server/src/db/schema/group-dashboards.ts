import { foreignKey, integer, jsonb, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { groups } from './groups.js';

// The last computed dashboard of a large group (migration 0026_group_dashboards.sql).

export const groupDashboards = pgTable(
  'group_dashboards',
  {
    orgId: uuid('org_id').notNull(),
    groupId: uuid('group_id').notNull(),
    computedAt: ts('computed_at').notNull(),
    people: integer('people').notNull(),
    payload: jsonb('payload').notNull(),
    refreshQueuedAt: ts('refresh_queued_at'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.groupId] }),
    foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [groups.orgId, groups.id] }).onDelete('cascade'),
  ],
);
