import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, oneOf, ts } from './columns.js';
import { memberships, organizations } from './foundation.js';
import { groups } from './groups.js';

// Custom profile fields, their values, and group membership rules (migration 0021_profile_fields_rules.sql).

export const profileFields = pgTable(
  'profile_fields',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    labelEn: text('label_en').notNull(),
    labelFr: text('label_fr'),
    type: text('type').notNull(),
    options: text('options').array().notNull().default(sql`'{}'`),
    learnerVisible: boolean('learner_visible').notNull().default(false),
    learnerEditable: boolean('learner_editable').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('profile_fields_org_key_idx').on(t.orgId, t.key),
    oneOf('profile_fields_type_check', t.type, ['text', 'choice', 'multi_choice', 'date', 'number', 'boolean']),
  ],
);

export const memberFieldValues = pgTable(
  'member_field_values',
  {
    orgId: uuid('org_id').notNull(),
    fieldId: uuid('field_id')
      .notNull()
      .references(() => profileFields.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').notNull(),
    valueText: text('value_text'),
    valueKey: text('value_key'),
    valueNum: doublePrecision('value_num'),
    valueDate: date('value_date'),
    valueArr: text('value_arr').array(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.fieldId, t.accountId] }),
    foreignKey({ columns: [t.orgId, t.accountId], foreignColumns: [memberships.orgId, memberships.accountId] }).onDelete('cascade'),
    index('member_field_values_key_idx').on(t.fieldId, t.valueKey),
    index('member_field_values_account_idx').on(t.orgId, t.accountId),
  ],
);

export const groupRules = pgTable(
  'group_rules',
  {
    groupId: uuid('group_id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    match: text('match').notNull(),
    conditions: jsonb('conditions').notNull(),
    fieldKeys: text('field_keys').array().notNull().default(sql`'{}'`),
    brokenAt: ts('broken_at'),
    brokenField: text('broken_field'),
    runStatus: text('run_status').notNull().default('done'),
    runAdded: integer('run_added').notNull().default(0),
    runRemoved: integer('run_removed').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [groups.orgId, groups.id] }).onDelete('cascade'),
    index('group_rules_org_idx').on(t.orgId),
    index('group_rules_fields_idx').using('gin', t.fieldKeys),
    oneOf('group_rules_match_check', t.match, ['all', 'any']),
    oneOf('group_rules_run_status_check', t.runStatus, ['queued', 'running', 'done', 'failed']),
  ],
);

export const groupRuleExceptions = pgTable(
  'group_rule_exceptions',
  {
    orgId: uuid('org_id').notNull(),
    groupId: uuid('group_id').notNull(),
    accountId: uuid('account_id').notNull(),
    kind: text('kind').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.accountId] }),
    foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [groups.orgId, groups.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.accountId], foreignColumns: [memberships.orgId, memberships.accountId] }).onDelete('cascade'),
    oneOf('group_rule_exceptions_kind_check', t.kind, ['always', 'never']),
  ],
);
