import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, oneOf, timeOrderedId, ts } from './columns.js';
import { accounts, organizations } from './foundation.js';
import { groups } from './groups.js';

// SCIM 2.0 provisioning (migration 0016_scim.sql).

export const SCIM_ACCOUNT_MODES = ['set_password', 'sso'] as const;
export const SCIM_ROLES = ['manager_full', 'manager_limited', 'learner', 'guest'] as const;

export const scimSettings = pgTable(
  'scim_settings',
  {
    orgId: uuid('org_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull().default(false),
    accountMode: text('account_mode').notNull().default('set_password'),
    role: text('role').notNull().default('learner'),
    defaultGroupIds: uuid('default_group_ids').array().notNull().default(sql`'{}'`),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    oneOf('scim_settings_account_mode_check', t.accountMode, SCIM_ACCOUNT_MODES),
    oneOf('scim_settings_role_check', t.role, SCIM_ROLES),
  ],
);

export const scimTokens = pgTable(
  'scim_tokens',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('scim_tokens_org_idx').on(t.orgId, t.createdAt)],
);

export const scimUsers = pgTable(
  'scim_users',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userName: text('user_name').notNull(),
    userNameKey: text('user_name_key').notNull(),
    externalId: text('external_id'),
    email: text('email').notNull(),
    emailKey: text('email_key').notNull(),
    active: boolean('active').notNull().default(true),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    invitationId: uuid('invitation_id'),
    givenName: text('given_name'),
    familyName: text('family_name'),
    displayName: text('display_name'),
    employeeNumber: text('employee_number'),
    department: text('department'),
    costCenter: text('cost_center'),
    organization: text('organization'),
    division: text('division'),
    managerId: text('manager_id'),
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('scim_users_user_name_idx').on(t.orgId, t.userNameKey),
    index('scim_users_external_idx').on(t.orgId, t.externalId),
    index('scim_users_email_idx').on(t.orgId, t.emailKey),
    index('scim_users_account_idx').on(t.accountId),
    index('scim_users_pending_idx').on(t.orgId).where(sql`account_id IS NULL AND invitation_id IS NOT NULL`),
  ],
);

export const scimGroups = pgTable(
  'scim_groups',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id')
      .notNull()
      .unique()
      .references(() => groups.id, { onDelete: 'cascade' }),
    externalId: text('external_id'),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('scim_groups_org_idx').on(t.orgId, t.id)],
);

export const scimGroupMembers = pgTable(
  'scim_group_members',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    scimGroupId: uuid('scim_group_id')
      .notNull()
      .references(() => scimGroups.id, { onDelete: 'cascade' }),
    scimUserId: uuid('scim_user_id')
      .notNull()
      .references(() => scimUsers.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.scimGroupId, t.scimUserId] }), index('scim_group_members_user_idx').on(t.scimUserId)],
);

export const scimLog = pgTable(
  'scim_log',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    tokenId: uuid('token_id').references(() => scimTokens.id, { onDelete: 'set null' }),
    method: text('method').notNull(),
    operation: text('operation').notNull(),
    resourceType: text('resource_type'),
    resourceId: text('resource_id'),
    status: integer('status').notNull(),
    error: text('error'),
    durationMs: integer('duration_ms').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('scim_log_org_idx').on(t.orgId, t.id)],
);
