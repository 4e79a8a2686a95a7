import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timeOrderedId, ts } from './columns.js';
import { accounts, organizations } from './foundation.js';

// Batch provisioning: a background job per batch, one row per person (migration 0017_people_batches.sql).

export const peopleBatches = pgTable(
  'people_batches',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    actor: jsonb('actor').notNull(),
    status: text('status').notNull().default('queued'),
    total: integer('total').notNull(),
    rowsDone: integer('rows_done').notNull().default(0),
    progress: integer('progress').notNull().default(0),
    counts: jsonb('counts').notNull().default({}),
    error: text('error'),
    heartbeatAt: ts('heartbeat_at'),
    createdAt: createdAt(),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    index('people_batches_org_idx').on(t.orgId, t.createdAt),
    index('people_batches_open_idx').on(t.status).where(sql`status IN ('queued', 'running')`),
    check('people_batches_status_check', sql`status IN ('queued', 'running', 'done', 'failed')`),
  ],
);

export const peopleBatchRows = pgTable(
  'people_batch_rows',
  {
    batchId: uuid('batch_id')
      .notNull()
      .references(() => peopleBatches.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    externalId: text('external_id').notNull(),
    input: jsonb('input').notNull(),
    outcome: text('outcome'),
    result: jsonb('result'),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.line] }),
    check('people_batch_rows_outcome_check', sql`outcome IS NULL OR outcome IN ('created', 'updated', 'unchanged', 'failed')`),
  ],
);
