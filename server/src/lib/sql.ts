import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keeps well-formed UUIDs only, once each, so a list can be cast to uuid[] without failing. */
export function cleanIds(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((i) => typeof i === 'string' && UUID.test(i)).map((i) => i.toLowerCase()))];
}

/** An id given as a value, or as an expression of the statement it goes into (a column of a CTE, say). */
export type IdRef = string | SQL;
/** Ids given as values, or as a uuid[] expression of the statement they go into. */
export type IdsRef = readonly string[] | SQL;

/**
 * A uuid[] parameter as ONE bind value (both drivers, any length): Drizzle would otherwise expand a
 * JS array into one placeholder per element, which breaks past 65,535 ids. An expression is kept as is.
 */
export function uuidArray(ids: IdsRef): SQL {
  if (!Array.isArray(ids)) return ids as SQL;
  return sql`string_to_array(${cleanIds(ids).join(',')}, ',')::uuid[]`;
}

/** A timestamptz bind value from the app clock. */
export const tsParam = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;

/** Runs raw SQL inside a Drizzle database or transaction and returns its rows (pg and PGlite alike). */
export async function queryRows<T>(db: Db, q: SQL): Promise<T[]> {
  const res = (await db.execute(q)) as unknown as { rows?: T[] };
  return res.rows ?? (res as unknown as T[]);
}

/** Runs a statement of the form `… SELECT count(*)::int AS n` and returns n. */
export async function queryCount(db: Db, q: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, q);
  return Number(row?.n ?? 0);
}
