import { sql } from 'drizzle-orm';
import { type AnyPgColumn, check, timestamp, uuid } from 'drizzle-orm/pg-core';

/** timestamptz, read as text (converted to ISO 8601 when presented). */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
export const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);
/** A time-ordered id (UUID version 7 layout) for rows that arrive by the 100,000: indexes fill page by page. */
export const timeOrderedId = () => uuid('id').primaryKey().default(sql`troupe_uuid_v7()`);
export const createdAt = () => ts('created_at').notNull().defaultNow();

/** A CHECK that a text column holds one of a few values (null allowed when the column is nullable). */
export const oneOf = (name: string, column: AnyPgColumn, values: readonly string[]) =>
  check(name, sql`${column.notNull ? sql`` : sql`${column} IS NULL OR `}${column} IN (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`);

export const ROLE_VALUES = ['owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest'] as const;
