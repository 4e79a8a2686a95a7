import { sql } from 'drizzle-orm';
import { type AnyPgColumn, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, oneOf, ROLE_VALUES, timeOrderedId, ts } from './columns.js';

export const accounts = pgTable(
  'accounts',
  {
    id: timeOrderedId(),
    email: text('email').notNull(),
    emailKey: text('email_key').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    verifiedAt: ts('verified_at'),
    locale: text('locale').notNull().default('en'),
    lastLoginAt: ts('last_login_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [oneOf('accounts_locale_check', t.locale, ['en', 'fr'])],
);

export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('sessions_account_idx').on(t.accountId)],
);

export const authTokens = pgTable(
  'auth_tokens',
  {
    id: timeOrderedId(),
    tokenHash: text('token_hash').notNull().unique(),
    purpose: text('purpose').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    emailKey: text('email_key').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('auth_tokens_account_idx').on(t.accountId, t.purpose)],
);

export const organizations = pgTable(
  'organizations',
  {
    id: id(),
    name: text('name').notNull(),
    slug: text('slug').notNull().unique(),
    /** Days an invitation stays valid; null: valid until cancelled. */
    invitationTtlDays: integer('invitation_ttl_days'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [check('organizations_invitation_ttl_days_check', sql`${t.invitationTtlDays} IS NULL OR ${t.invitationTtlDays} > 0`)],
);

export const memberships = pgTable(
  'memberships',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    status: text('status').notNull().default('active'),
    managed: boolean('managed').notNull().default(false),
    source: text('source').notNull().default('direct'),
    createdAt: createdAt(),
    archivedAt: ts('archived_at'),
    /** Set by imports (issue 15, migration 0022). */
    locationId: uuid('location_id').references((): AnyPgColumn => locations.id, { onDelete: 'set null' }),
    externalId: text('external_id'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.accountId] }),
    index('memberships_account_idx').on(t.accountId),
    oneOf('memberships_role_check', t.role, ROLE_VALUES),
    oneOf('memberships_status_check', t.status, ['active', 'archived']),
  ],
);

export const locations = pgTable(
  'locations',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    archivedAt: ts('archived_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('locations_org_name_idx').on(t.orgId, sql`lower(${t.name})`)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: id(),
    orgId: uuid('org_id').references(() => organizations.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => accounts.id, { onDelete: 'set null' }),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    data: jsonb('data').notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_events_org_idx').on(t.orgId, t.createdAt, t.id)],
);

export const emails = pgTable(
  'emails',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id').references(() => organizations.id, { onDelete: 'cascade' }),
    refId: uuid('ref_id'),
    batchId: uuid('batch_id'),
    toAddress: text('to_address').notNull(),
    template: text('template').notNull(),
    locale: text('locale').notNull().default('en'),
    params: jsonb('params').notNull().default({}),
    subject: text('subject'),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    claimedAt: ts('claimed_at'),
    sentAt: ts('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('emails_ref_idx').on(t.refId),
    oneOf('emails_status_check', t.status, ['queued', 'sending', 'sent', 'failed', 'cancelled']),
  ],
);
