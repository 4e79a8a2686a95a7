import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

/** A NUL character, or a UTF-16 surrogate without its pair: text PostgreSQL cannot store (text or jsonb). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when PostgreSQL can store the string as text and inside jsonb. */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** The dotted path of the first string (key or value) PostgreSQL cannot store, or null. */
export function findUnstorable(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path || 'value';
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorable(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (!isStorableText(k)) return here;
    const hit = findUnstorable(v, here, depth + 1);
    if (hit) return hit;
  }
  return null;
}

/** The 422 that names a field holding text PostgreSQL cannot store. */
export function invalidCharacters(field: string): AppError {
  return new AppError(
    422,
    'invalid_characters',
    `The field “${field}” contains characters that cannot be stored (NUL or an unpaired surrogate).`,
    {
      field,
      fields: { [field]: 'Contains characters that cannot be stored.' },
    },
  );
}

/** Throws the 422 when a value (a multipart text field, a file name) holds text PostgreSQL cannot store. */
export function assertStorable(field: string, value: unknown): void {
  const hit = findUnstorable(value, field);
  if (hit) throw invalidCharacters(hit);
}

/**
 * Refuses, before validation and before any route runs, every path parameter, query parameter and
 * JSON body string (keys included, at any depth) that PostgreSQL cannot store: one place, so no
 * route ever reaches the database with it.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    assertStorable('', req.params);
    assertStorable('', req.query);
    if (req.body !== undefined && !Buffer.isBuffer(req.body)) assertStorable('', req.body);
  });
}

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** A copy of a JSON value whose strings PostgreSQL can store: NUL and unpaired surrogates become U+FFFD. */
export function toStorable<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE_ALL, '\ufffd') as T;
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => toStorable(v, depth + 1)) as T;
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[toStorable(k)] = toStorable(v, depth + 1);
  return out as T;
}

/** A file name or other text from a multipart part, with what PostgreSQL cannot store replaced. */
export function storableText(s: string): string {
  return toStorable(s);
}
