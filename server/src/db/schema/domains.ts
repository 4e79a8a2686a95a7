import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, oneOf, timeOrderedId, ts } from './columns.js';
import { accounts, locations, organizations } from './foundation.js';
import { groups } from './groups.js';

// Verified domains and join requests (migration 0023_domains_join_requests.sql).

export const DOMAIN_POLICIES = ['none', 'suggest', 'auto_join'] as const;
export const JOIN_REQUEST_SOURCES = ['domain', 'join_page'] as const;
export const JOIN_REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;

export const orgDomains = pgTable(
  'org_domains',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull(),
    verificationToken: text('verification_token').notNull(),
    verifiedAt: ts('verified_at'),
    lastCheckedAt: ts('last_checked_at'),
    policy: text('policy').notNull().default('none'),
    groupIds: uuid('group_ids').array().notNull().default(sql`'{}'`),
    ssoEnforced: boolean('sso_enforced').notNull().default(false),
    ssoConnectionId: uuid('sso_connection_id'),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('org_domains_org_domain_idx').on(t.orgId, t.domain),
    uniqueIndex('org_domains_verified_idx').on(t.domain).where(sql`verified_at IS NOT NULL`),
    oneOf('org_domains_policy_check', t.policy, DOMAIN_POLICIES),
  ],
);

export const joinRequests = pgTable(
  'join_requests',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    emailKey: text('email_key').notNull(),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'set null' }),
    locationId: uuid('location_id').references(() => locations.id, { onDelete: 'set null' }),
    domainId: uuid('domain_id').references(() => orgDomains.id, { onDelete: 'set null' }),
    source: text('source').notNull(),
    status: text('status').notNull().default('pending'),
    locale: text('locale'),
    createdAt: createdAt(),
    decidedBy: uuid('decided_by').references(() => accounts.id, { onDelete: 'set null' }),
    decidedAt: ts('decided_at'),
  },
  (t) => [
    uniqueIndex('join_requests_pending_idx').on(t.orgId, t.emailKey).where(sql`status = 'pending'`),
    index('join_requests_org_status_idx').on(t.orgId, t.status, t.createdAt, t.id),
    oneOf('join_requests_source_check', t.source, JOIN_REQUEST_SOURCES),
    oneOf('join_requests_status_check', t.status, JOIN_REQUEST_STATUSES),
  ],
);
