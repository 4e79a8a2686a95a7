import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/client.js';
import { AppError } from './errors.js';
import { countHits } from './rate-limit-store.js';

/**
 * A route's limits on several keys at once (its caller's address and account, say): every key is
 * counted, in one statement, and the request is refused when any of them is over `max`.
 * (@fastify/rate-limit runs one limit per request: a second `app.rateLimit` in the same preHandler
 * list is skipped, so it cannot express this.)
 */
export type KeyedLimit = { max: number; windowMs: number; keys: (req: FastifyRequest) => string[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Counted after authentication and validation, before the handler. */
    limitedBy?: KeyedLimit;
  }
}

/** Counts the keys of routes that declare `config.limitedBy`, in the database shared by every web process. */
export function registerKeyedLimits(app: FastifyInstance, database: Database, keyPrefix = ''): void {
  app.addHook('preHandler', async (req, reply) => {
    const limit = req.routeOptions.config?.limitedBy;
    const keys = limit?.keys(req) ?? [];
    if (!limit || keys.length === 0) return;
    const hits = await countHits(
      database,
      keys.map((k) => `${keyPrefix}|${k}`),
      limit.windowMs,
    );
    const over = hits.filter((h) => h.current > limit.max);
    const tightest = hits.reduce((a, b) => (b.current > a.current ? b : a));
    reply.header('x-ratelimit-limit', limit.max);
    if (over.length === 0) {
      reply.header('x-ratelimit-remaining', Math.max(0, limit.max - tightest.current));
      reply.header('x-ratelimit-reset', Math.ceil(tightest.ttl / 1000));
      return;
    }
    // The wait is the longest of the exceeded keys': the request is refused until all have room.
    const seconds = Math.max(1, ...over.map((h) => Math.ceil(h.ttl / 1000)));
    reply.header('x-ratelimit-remaining', 0);
    throw new AppError(429, 'rate_limited', `Too many attempts; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });
  });
}
