import type { Database } from '../db/client.js';

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;
/** What @fastify/rate-limit passes to `child`: the route's merged settings, with the route itself. */
type RouteParams = { routeInfo?: { method?: string | string[]; url?: string } };

/** The shape @fastify/rate-limit's `store` option takes (its own typing of `child` is narrower than what it passes). */
export type DatabaseRateLimitStore = {
  incr(key: string, cb: Callback, timeWindow?: number, max?: number): void;
  child(params: object): DatabaseRateLimitStore;
};

// One statement per hit, atomic under concurrency: a new key, or an expired window, starts at 1;
// otherwise the count goes up by one. The database's clock decides, so processes agree.
const INCR = `
INSERT INTO rate_limits AS r (key, count, window_start, expires_at)
VALUES ($1, 1, now(), now() + make_interval(secs => $2::float8 / 1000))
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN r.expires_at <= now() THEN 1 ELSE r.count + 1 END,
  window_start = CASE WHEN r.expires_at <= now() THEN now() ELSE r.window_start END,
  expires_at = CASE WHEN r.expires_at <= now() THEN excluded.expires_at ELSE r.expires_at END
RETURNING count, GREATEST(0, ceil(extract(epoch FROM r.expires_at - now()) * 1000))::float8 AS ttl`;

const SWEEP_EVERY_MS = 60_000;

/**
 * Builds the rate-limit store class over the database: N web processes together allow what one
 * allows, and a restart keeps the count. Expired rows are swept at most once a minute per process.
 * `keyPrefix` separates independent sets of counters sharing one database (tests).
 */
export function databaseRateLimitStore(
  database: Database,
  o: { keyPrefix?: string } = {},
): new (
  settings?: unknown,
) => DatabaseRateLimitStore {
  let lastSweep = Date.now();
  const sweep = () => {
    if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    database.query('DELETE FROM rate_limits WHERE expires_at < now()').catch(() => {});
  };

  class DatabaseStore implements DatabaseRateLimitStore {
    constructor(
      _settings?: unknown,
      private readonly scope = '',
    ) {}

    /** @fastify/rate-limit passes the route's window (ms) and maximum after the callback. */
    incr(key: string, cb: Callback, timeWindow = 60_000): void {
      const fullKey = `${o.keyPrefix ?? ''}${this.scope}|${key}`;
      database.query<{ count: number; ttl: number }>(INCR, [fullKey, timeWindow]).then(
        ({ rows }) => {
          const row = rows[0];
          if (!row) return cb(new Error('rate limit counter not returned'));
          cb(null, { current: Number(row.count), ttl: Number(row.ttl) });
          sweep();
        },
        (err: Error) => cb(err),
      );
    }

    /** A route's counters: keyed by its method and path, so two routes never share a count. */
    child(params: object): DatabaseRateLimitStore {
      const r = (params as RouteParams).routeInfo ?? {};
      const method = Array.isArray(r.method) ? r.method.join(',') : (r.method ?? '');
      return new DatabaseStore(params, r.url ? `${method} ${r.url}` : '');
    }
  }
  return DatabaseStore;
}
