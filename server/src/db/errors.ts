/** The PostgreSQL error code of a driver error, also when Drizzle wraps it. */
export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; e && i < 4; i++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = cause;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => pgErrorCode(err) === '23505';

/** A CHECK constraint refused the change; with `constraint`, that one (its name, also when Drizzle wraps the error). */
export function isCheckViolation(err: unknown, constraint?: string): boolean {
  if (pgErrorCode(err) !== '23514') return false;
  if (!constraint) return true;
  let e: unknown = err;
  for (let i = 0; e && i < 4; i++) {
    if ((e as { constraint?: unknown }).constraint === constraint) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
