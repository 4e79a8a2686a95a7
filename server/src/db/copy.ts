import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from './client.js';
import { connectionOf } from './pipeline.js';

/** A value in COPY's text format: \N for null; backslash, tab, line feed and carriage return escaped. */
export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  const s = String(value);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : s;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Writes rows into a table by COPY, in the transaction `tx`, when it runs on PostgreSQL: about twice as
 * fast as an INSERT of the same rows as array parameters, most of which went to reading the arrays.
 * Each line is the row's values in COPY's text format (copyText), tab-separated, in `columns`' order.
 * Triggers and constraints apply as for an INSERT. Returns false, writing nothing, on the embedded
 * database (COPY needs the transaction's own PostgreSQL connection): the caller inserts instead.
 */
export async function copyRows(tx: Db, table: string, columns: readonly string[], lines: string): Promise<boolean> {
  const client = connectionOf(tx);
  if (!client) return false;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from([Buffer.from(lines)]), stream);
  return true;
}
