import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.js';
import { accounts, memberships, organizations } from './foundation.js';

// Groups, programs, sessions, assignments, enrolments, certificates (migration 0002_groups_programs.sql).

export const groups = pgTable(
  'groups',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id'),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    description: text('description'),
    welcomeMessage: text('welcome_message'),
    logoKey: text('logo_key'),
    backgroundKey: text('background_key'),
    defaultReferentId: uuid('default_referent_id').references((): AnyPgColumn => accounts.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    unique('groups_org_id_id_key').on(t.orgId, t.id),
    foreignKey({ columns: [t.orgId, t.parentId], foreignColumns: [t.orgId, t.id] }),
    uniqueIndex('groups_sibling_name_idx').on(
      t.orgId,
      sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      t.nameKey,
    ),
    index('groups_parent_idx').on(t.parentId),
  ],
);

/** A link between a group and a member (or observer) of its organization. */
const groupLink = <N extends string>(name: N) =>
  pgTable(
    name,
    {
      orgId: uuid('org_id').notNull(),
      groupId: uuid('group_id').notNull(),
      accountId: uuid('account_id').notNull(),
      createdAt: createdAt(),
    },
    (t) => [
      primaryKey({ columns: [t.orgId, t.groupId, t.accountId] }),
      foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [groups.orgId, groups.id] }).onDelete('cascade'),
      foreignKey({ columns: [t.orgId, t.accountId], foreignColumns: [memberships.orgId, memberships.accountId] }).onDelete('cascade'),
      index(`${name}_account_idx`).on(t.orgId, t.accountId),
    ],
  );

export const groupMembers = groupLink('group_members');
export const groupObservers = groupLink('group_observers');

export const programs = pgTable(
  'programs',
  {
    id: id(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description'),
    referentId: uuid('referent_id').references(() => accounts.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [unique('programs_org_id_id_key').on(t.orgId, t.id), index('programs_org_title_idx').on(t.orgId, t.title, t.id)],
);

export const programSessions = pgTable(
  'program_sessions',
  {
    id: id(),
    orgId: uuid('org_id').notNull(),
    programId: uuid('program_id').notNull(),
    opensAt: ts('opens_at').notNull(),
    closesAt: ts('closes_at'),
    /** Due N days after each enrolment, and reminders to the learner (issue 15, migration 0022). */
    dueDaysAfterEnrolment: integer('due_days_after_enrolment'),
    remindDaysBefore: integer('remind_days_before'),
    remindWhenLate: boolean('remind_when_late').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    unique('program_sessions_org_id_id_key').on(t.orgId, t.id),
    foreignKey({ columns: [t.orgId, t.programId], foreignColumns: [programs.orgId, programs.id] }).onDelete('cascade'),
    check('program_sessions_dates_check', sql`${t.closesAt} IS NULL OR ${t.closesAt} > ${t.opensAt}`),
    check('program_sessions_due_days_check', sql`${t.dueDaysAfterEnrolment} IS NULL OR ${t.dueDaysAfterEnrolment} BETWEEN 1 AND 3650`),
    check('program_sessions_remind_days_check', sql`${t.remindDaysBefore} IS NULL OR ${t.remindDaysBefore} BETWEEN 1 AND 365`),
    index('program_sessions_program_idx').on(t.programId, t.opensAt),
  ],
);

export const assignments = pgTable(
  'assignments',
  {
    orgId: uuid('org_id').notNull(),
    groupId: uuid('group_id').notNull(),
    sessionId: uuid('session_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.groupId, t.sessionId] }),
    foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [groups.orgId, groups.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.sessionId], foreignColumns: [programSessions.orgId, programSessions.id] }).onDelete('cascade'),
    index('assignments_session_idx').on(t.sessionId),
  ],
);

export const enrolments = pgTable(
  'enrolments',
  {
    id: uuid('id').primaryKey().default(sql`troupe_uuid_v7()`),
    orgId: uuid('org_id').notNull(),
    sessionId: uuid('session_id').notNull(),
    // No foreign key (see the migration): a trigger on accounts deletes the enrolments of deleted accounts.
    accountId: uuid('account_id').notNull(),
    percent: smallint('percent').notNull().default(0),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    /** This enrolment's own due date when its session is due N days after enrolment (issue 15). */
    dueAt: ts('due_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('enrolments_due_idx').on(t.dueAt).where(sql`${t.dueAt} IS NOT NULL AND ${t.completedAt} IS NULL`),
    unique('enrolments_session_id_account_id_key').on(t.sessionId, t.accountId),
    foreignKey({ columns: [t.orgId, t.sessionId], foreignColumns: [programSessions.orgId, programSessions.id] }).onDelete('cascade'),
    check('enrolments_percent_check', sql`${t.percent} BETWEEN 0 AND 100`),
    index('enrolments_account_idx').on(t.accountId),
    index('enrolments_org_idx').on(t.orgId, t.createdAt.desc(), t.id.desc()),
    index('enrolments_started_idx').on(t.sessionId, t.accountId).where(sql`${t.percent} > 0 OR ${t.completedAt} IS NOT NULL`),
  ],
);

export const certificates = pgTable(
  'certificates',
  {
    id: text('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    programId: uuid('program_id').notNull(),
    sessionId: uuid('session_id').notNull(),
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .unique()
      .references(() => enrolments.id, { onDelete: 'cascade' }),
    issuedAt: ts('issued_at').notNull(),
  },
  (t) => [
    unique('certificates_program_id_account_id_key').on(t.programId, t.accountId),
    foreignKey({ columns: [t.orgId, t.programId], foreignColumns: [programs.orgId, programs.id] }).onDelete('cascade'),
  ],
);
