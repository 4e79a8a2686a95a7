import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** timestamptz, read as text (converted to ISO 8601 when presented). */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
export const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);
/** A time-ordered id (UUID version 7 layout) for rows that arrive by the 100,000: indexes fill page by page. */
export const timeOrderedId = () => uuid('id').primaryKey().default(sql`troupe_uuid_v7()`);
export const createdAt = () => ts('created_at').notNull().defaultNow();
