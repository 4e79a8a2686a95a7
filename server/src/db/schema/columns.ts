import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** timestamptz, read as text (converted to ISO 8601 when presented). */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
export const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);
export const createdAt = () => ts('created_at').notNull().defaultNow();
