import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { type Clock, manualClock } from '../src/lib/clock.js';
import { closeContext, createContext } from '../src/runtime.js';

export type TestApp = {
  app: FastifyInstance;
  ctx: AppContext;
  clock: ReturnType<typeof manualClock>;
  /** Runs every due background job (emails, imports…) until none is left. */
  drain(): Promise<number>;
  close(): Promise<void>;
};

/** A real app on a real database: in-memory PGlite, or DATABASE_URL when set. Jobs live in a schema of their own. */
export async function createTestApp(
  over: {
    smtpUrl?: string;
    rateLimitMax?: number;
    retryDelaySeconds?: number;
    clock?: Clock;
    env?: Record<string, string>;
    /** Apps given the same prefix share rate-limit counts (on one database); by default each app counts alone. */
    rateLimitKeyPrefix?: string;
    logger?: pino.Logger;
    metricsToken?: string;
    /** Another PostgreSQL database than DATABASE_URL's (e.g. a fresh one). */
    databaseUrl?: string;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'troupe-test-'));
  const base = loadConfig({
    ...process.env,
    ...over.env,
    DATABASE_URL: over.databaseUrl ?? process.env.DATABASE_URL ?? '',
    DATA_DIR: dataDir,
    APP_URL: 'http://troupe.test',
    SMTP_URL: over.smtpUrl ?? '',
  });
  const config: Config = {
    ...base,
    pgliteDir: 'memory://',
    pgliteTemplate: base.databaseUrl ? undefined : inject('pgliteTemplate'),
    smtpUrl: over.smtpUrl,
    rateLimits: { auth: { max: over.rateLimitMax ?? 10_000, windowMs: 60_000 }, keyPrefix: over.rateLimitKeyPrefix ?? `test-${uid()}:` },
    metricsToken: over.metricsToken,
    jobs: { ...base.jobs, retryDelaySeconds: over.retryDelaySeconds ?? 1, schema: `jobs_${randomBytes(4).toString('hex')}` },
  };
  const clock = manualClock();
  const ctx = await createContext(config, {
    clock: over.clock ?? clock,
    logger: over.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const app = await buildApp(ctx);
  await app.ready();
  return {
    app,
    ctx,
    clock,
    drain: () => ctx.jobs.drain(ctx),
    async close() {
      await app.close();
      if (ctx.database.kind === 'pg') await ctx.database.query(`DROP SCHEMA IF EXISTS ${config.jobs.schema} CASCADE`).catch(() => {});
      await closeContext(ctx);
    },
  };
}

export const uid = () => randomBytes(5).toString('hex');
