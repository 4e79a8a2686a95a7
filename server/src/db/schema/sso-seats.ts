import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, oneOf, ts } from './columns.js';
import { accounts, organizations } from './foundation.js';
import { groupMembers, groups } from './groups.js';

// Seats and single sign-on (migration 0024_sso_seats.sql).

export const seatLimits = pgTable(
  'seat_limits',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id'),
    seatLimit: integer('seat_limit').notNull(),
    alertedPct: integer('alerted_pct').notNull().default(0),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('seat_limits_seat_limit_check', sql`${t.seatLimit} >= 0`),
    foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [groups.orgId, groups.id] }).onDelete('cascade'),
    uniqueIndex('seat_limits_scope_idx').on(t.orgId, sql`coalesce(${t.groupId}, '00000000-0000-0000-0000-000000000000'::uuid)`),
  ],
);

export const SSO_DEFAULT_ROLES = ['learner', 'guest'] as const;

export const ssoConnections = pgTable(
  'sso_connections',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretSealed: text('client_secret_sealed').notNull(),
    scopes: text('scopes').notNull().default('openid email profile'),
    nameClaim: text('name_claim').notNull().default('name'),
    localeClaim: text('locale_claim').notNull().default('locale'),
    groupsClaim: text('groups_claim'),
    groupMap: jsonb('group_map').$type<Record<string, string[]>>().notNull().default({}),
    defaultRole: text('default_role').notNull().default('learner'),
    defaultGroupIds: uuid('default_group_ids').array().notNull().default(sql`'{}'`),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [oneOf('sso_connections_default_role_check', t.defaultRole, SSO_DEFAULT_ROLES), index('sso_connections_org_idx').on(t.orgId)],
);

export const ssoIdentities = pgTable(
  'sso_identities',
  {
    id: id(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id').references(() => ssoConnections.id, { onDelete: 'set null' }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    createdAt: createdAt(),
    lastSignInAt: ts('last_sign_in_at'),
  },
  (t) => [unique('sso_identities_issuer_subject_key').on(t.issuer, t.subject), index('sso_identities_account_idx').on(t.accountId)],
);

export const SSO_LOGIN_MODES = ['sign_in', 'test', 'link'] as const;

export const ssoLogins = pgTable(
  'sso_logins',
  {
    stateHash: text('state_hash').primaryKey(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => ssoConnections.id, { onDelete: 'cascade' }),
    mode: text('mode').notNull(),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    browserHash: text('browser_hash').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    nonce: text('nonce').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    claims: jsonb('claims').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [oneOf('sso_logins_mode_check', t.mode, SSO_LOGIN_MODES)],
);

export const ssoGroupGrants = pgTable(
  'sso_group_grants',
  {
    orgId: uuid('org_id').notNull(),
    groupId: uuid('group_id').notNull(),
    accountId: uuid('account_id').notNull(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => ssoConnections.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.groupId, t.accountId] }),
    foreignKey({
      columns: [t.orgId, t.groupId, t.accountId],
      foreignColumns: [groupMembers.orgId, groupMembers.groupId, groupMembers.accountId],
    }).onDelete('cascade'),
  ],
);
