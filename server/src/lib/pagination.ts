import { z } from 'zod';
import { AppError } from '../http/errors.js';

export const listQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
};

/** The `{items, nextCursor}` answer of every list. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Encodes the sort key of the last row of a page. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor; a tampered one is a 400. */
export function decodeCursor(cursor: string | undefined, length: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === length) return v;
  } catch {}
  throw new AppError(400, 'invalid_cursor', 'The cursor is not valid; start again from the first page.');
}

/** Cuts a page fetched with limit + 1 rows and computes the next cursor. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => unknown[]): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}
