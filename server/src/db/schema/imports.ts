import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, oneOf, ROLE_VALUES, ts } from './columns.js';
import { accounts, organizations } from './foundation.js';

export const imports = pgTable(
  'imports',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    approvedBy: uuid('approved_by').references(() => accounts.id, { onDelete: 'set null' }),
    mode: text('mode').notNull(),
    /** add: new people only; update: also the members it names; sync: also archives whom it does not name (issue 15). */
    syncMode: text('sync_mode').notNull().default('add'),
    status: text('status').notNull().default('preview'),
    source: text('source').notNull(),
    fileKey: text('file_key'),
    fileName: text('file_name'),
    fileSize: integer('file_size'),
    options: jsonb('options').notNull().default({}),
    columns: jsonb('columns').notNull().default({}),
    counts: jsonb('counts').notNull().default({}),
    result: jsonb('result'),
    progress: integer('progress').notNull().default(0),
    rowsDone: integer('rows_done').notNull().default(0),
    error: text('error'),
    heartbeatAt: ts('heartbeat_at'),
    createdAt: createdAt(),
    approvedAt: ts('approved_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    index('imports_org_idx').on(t.orgId, t.createdAt, t.id),
    oneOf('imports_mode_check', t.mode, ['invite', 'create']),
    oneOf('imports_sync_mode_check', t.syncMode, ['add', 'update', 'sync']),
    oneOf('imports_status_check', t.status, ['preview', 'approved', 'running', 'done', 'rejected', 'failed']),
    oneOf('imports_source_check', t.source, ['file', 'paste']),
  ],
);

export const importRows = pgTable(
  'import_rows',
  {
    // Refers to imports.id, checked and cascaded per statement by triggers (migration 0027), not by a
    // per-row foreign key.
    importId: uuid('import_id').notNull(),
    line: integer('line').notNull(),
    email: text('email').notNull(),
    emailKey: text('email_key'),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    groupNames: text('group_names').array().notNull().default([]),
    roleText: text('role_text').notNull().default(''),
    role: text('role'),
    locationText: text('location_text').notNull().default(''),
    externalId: text('external_id').notNull().default(''),
    groupIds: uuid('group_ids').array().notNull().default([]),
    locationId: uuid('location_id'),
    outcome: text('outcome').notNull().default('valid'),
    messages: jsonb('messages').notNull().default([]),
    alreadyMember: boolean('already_member').notNull().default(false),
    result: text('result'),
    resultReason: text('result_reason'),
    accountId: uuid('account_id'),
    /** The planned change of an existing member, field by field: {field: {before, after}} (issue 15). */
    changes: jsonb('changes'),
    /** Profile-field values read from the file's field columns: {key: value}, null for a blank cell (issue 15). */
    fields: jsonb('fields'),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.line] }),
    index('import_rows_email_idx').on(t.importId, t.emailKey),
    oneOf('import_rows_role_check', t.role, ROLE_VALUES),
    oneOf('import_rows_outcome_check', t.outcome, ['valid', 'invalid', 'duplicate', 'conflict']),
    oneOf('import_rows_result_check', t.result, ['created', 'invited', 'added_to_groups', 'updated', 'already_there', 'skipped']),
  ],
);
