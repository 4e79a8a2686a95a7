import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, oneOf, ROLE_VALUES, timeOrderedId, ts } from './columns.js';
import { accounts, locations, organizations } from './foundation.js';
import { programSessions } from './groups.js';

export const passcodes = pgTable(
  'passcodes',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    codeHash: text('code_hash').notNull(),
    capacity: integer('capacity').notNull(),
    used: integer('used').notNull().default(0),
    groupIds: uuid('group_ids').array().notNull(),
    role: text('role').notNull().default('learner'),
    message: text('message'),
    enabled: boolean('enabled').notNull().default(true),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('passcodes_enabled_code_idx').on(t.codeHash).where(sql`enabled`),
    index('passcodes_org_idx').on(t.orgId, t.createdAt),
    oneOf('passcodes_role_check', t.role, ROLE_VALUES),
    check('passcodes_capacity_check', sql`${t.capacity} > 0`),
    check('passcodes_used_check', sql`${t.used} >= 0 AND ${t.used} <= ${t.capacity}`),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    email: text('email').notNull(),
    emailKey: text('email_key').notNull(),
    status: text('status').notNull().default('prospect'),
    role: text('role').notNull().default('learner'),
    locationId: uuid('location_id').references(() => locations.id, { onDelete: 'set null' }),
    groupIds: uuid('group_ids').array().notNull().default(sql`'{}'`),
    sessionId: uuid('session_id').references(() => programSessions.id, { onDelete: 'cascade' }),
    passcodeId: uuid('passcode_id').references(() => passcodes.id, { onDelete: 'cascade' }),
    message: text('message'),
    sendCopyToMe: boolean('send_copy_to_me').notNull().default(false),
    invitedBy: uuid('invited_by').references(() => accounts.id, { onDelete: 'set null' }),
    sendAt: ts('send_at'),
    sentAt: ts('sent_at'),
    acceptedAt: ts('accepted_at'),
    declinedAt: ts('declined_at'),
    cancelledAt: ts('cancelled_at'),
    expiresAt: ts('expires_at'),
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
    replacesId: uuid('replaces_id'),
    isCurrent: boolean('is_current').notNull().default(true),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('invitations_email_idx').on(t.orgId, t.emailKey),
    uniqueIndex('invitations_passcode_account_idx').on(t.passcodeId, t.accountId).where(sql`${t.passcodeId} IS NOT NULL`),
    // One open invitation per organization, kind and address (email, join page); per session and address.
    uniqueIndex('invitations_open_address_idx')
      .on(t.orgId, t.kind, t.emailKey)
      .where(sql`${t.status} IN ('prospect', 'pending') AND ${t.kind} IN ('email', 'join_page')`),
    uniqueIndex('invitations_open_session_idx')
      .on(t.sessionId, t.emailKey)
      .where(sql`${t.status} IN ('prospect', 'pending') AND ${t.kind} = 'session'`),
    oneOf('invitations_kind_check', t.kind, ['email', 'passcode', 'join_page', 'session']),
    oneOf('invitations_status_check', t.status, ['prospect', 'pending', 'active', 'declined', 'cancelled', 'expired']),
    oneOf('invitations_role_check', t.role, ROLE_VALUES),
  ],
);

export const invitationTokens = pgTable('invitation_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  invitationId: uuid('invitation_id')
    .notNull()
    .references(() => invitations.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  replacedAt: ts('replaced_at'),
});

export const invitationBatches = pgTable(
  'invitation_batches',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('queued'),
    request: jsonb('request').notNull(),
    result: jsonb('result'),
    createdAt: createdAt(),
    finishedAt: ts('finished_at'),
  },
  (t) => [oneOf('invitation_batches_status_check', t.status, ['queued', 'running', 'done', 'failed'])],
);
