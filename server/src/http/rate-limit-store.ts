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
// otherwise the count goes up by one. The database's clock decides, so processes agree. Several keys
// (an address and an account, say) are counted by one statement, in key order (two requests counting
// the same keys never wait on each other's rows in opposite orders).
const INCR = `
INSERT INTO rate_limits AS r (key, count, window_start, expires_at)
SELECT k, 1, now(), now() + make_interval(secs => $2::float8 / 1000) FROM unnest($1::text[]) k ORDER BY k
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN r.expires_at <= now() THEN 1 ELSE r.count + 1 END,
  window_start = CASE WHEN r.expires_at <= now() THEN now() ELSE r.window_start END,
  expires_at = CASE WHEN r.expires_at <= now() THEN excluded.expires_at ELSE r.expires_at END
RETURNING key, count, GREATEST(0, ceil(extract(epoch FROM r.expires_at - now()) * 1000))::float8 AS ttl`;

export type Hit = { key: string; current: number; ttl: number };

/** Counts one hit on each of `keys` (distinct) in a window of `windowMs`, in one statement; the counts in the keys' order. */
export async function countHits(database: Database, keys: readonly string[], windowMs: number): Promise<Hit[]> {
  sweep(database);
  const { rows } = await database.query<{ key: string; count: number; ttl: number }>(INCR, [[...new Set(keys)], windowMs]);
  const byKey = new Map(rows.map((r) => [r.key, { key: r.key, current: Number(r.count), ttl: Number(r.ttl) }]));
  return keys.map((k) => {
    const hit = byKey.get(k);
    if (!hit) throw new Error(`rate limit counter not returned for ${k}`);
    return hit;
  });
}

const SWEEP_EVERY_MS = 60_000;
const lastSweep = new WeakMap<Database, number>();
/** Deletes expired counters, at most once a minute per process and database. */
function sweep(database: Database): void {
  const last = lastSweep.get(database);
  if (last === undefined) return void lastSweep.set(database, Date.now());
  if (Date.now() - last < SWEEP_EVERY_MS) return;
  lastSweep.set(database, Date.now());
  database.query('DELETE FROM rate_limits WHERE expires_at < now()').catch(() => {});
}

/**
 * Builds the rate-limit store class over the database: N web processes together allow what one
 * allows, and a restart keeps the count.
 * `keyPrefix` separates independent sets of counters sharing one database (tests).
 */
export function databaseRateLimitStore(
  database: Database,
  o: { keyPrefix?: string } = {},
): new (
  settings?: unknown,
) => DatabaseRateLimitStore {
  class DatabaseStore implements DatabaseRateLimitStore {
    constructor(
      _settings?: unknown,
      private readonly scope = '',
    ) {}

    /** @fastify/rate-limit passes the route's window (ms) and maximum after the callback. */
    incr(key: string, cb: Callback, timeWindow = 60_000): void {
      const fullKey = `${o.keyPrefix ?? ''}${this.scope}|${key}`;
      countHits(database, [fullKey], timeWindow).then(
        ([hit]) => {
          cb(null, { current: hit!.current, ttl: hit!.ttl });
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
