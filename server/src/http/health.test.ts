import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase } from '../../test/fresh-database.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { openDatabase } from '../db/client.js';
import { migrate, migrationFiles } from '../db/migrate.js';
import { createJobQueue } from '../jobs/queue.js';
import { featureJobs } from '../modules/index.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

describe('/healthz and /readyz', () => {
  let t: TestApp;
  let fresh: Awaited<ReturnType<typeof createFreshDatabase>> | null = null;
  beforeAll(async () => {
    // On PostgreSQL this test removes a migration's record: it does so in a database of its own.
    fresh = onPostgres ? await createFreshDatabase() : null;
    t = await createTestApp({ databaseUrl: fresh?.url });
  });
  afterAll(async () => {
    await t.close().catch(() => {});
    await fresh?.drop();
  });

  it('is ready once every migration is applied, and answers 503 in the error format while one is missing', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', migrations: migrationFiles().length });

    const last = migrationFiles().at(-1)!;
    await t.ctx.database.query('DELETE FROM schema_migrations WHERE name = $1', [last]);
    try {
      const pending = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(pending.statusCode).toBe(503);
      expect(pending.json().error).toMatchObject({ code: 'migrations_pending', details: { pending: [last] } });
      expect(typeof pending.json().error.message).toBe('string');
    } finally {
      await t.ctx.database.query('INSERT INTO schema_migrations (name) VALUES ($1)', [last]);
    }
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('answers 503 database_unavailable when the database is gone, and 404 in JSON for /metrics without a token configured', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).json().error.code).toBe('not_found');
    await t.ctx.database.close();
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('database_unavailable');
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
  });
});

describe.skipIf(!onPostgres)('several processes starting at once', () => {
  it('migrate a fresh database once and start their job queues: three at once all succeed, each migration applied once', async () => {
    const fresh = await createFreshDatabase();
    const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: fresh.url, poolMax: 2 })));
    try {
      const applied = await Promise.all(dbs.map((d) => migrate(d)));
      const all = applied.flat();
      expect(all.sort()).toEqual(migrationFiles());
      expect(applied.filter((a) => a.length > 0)).toHaveLength(1);
      const { rows } = await dbs[0]!.query<{ name: string; n: number }>(
        'SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name',
      );
      expect(rows).toHaveLength(migrationFiles().length);
      // And a second start finds nothing to do.
      expect(await migrate(dbs[1]!)).toEqual([]);

      // Then each starts its job queue at once: pg-boss creates the same queues concurrently (it
      // deadlocked there, and two of three processes died at start).
      const queues = dbs.map((d) => {
        const q = createJobQueue(d, {
          databaseUrl: fresh.url,
          retryDelaySeconds: 1,
          retryLimit: 1,
          pollingIntervalSeconds: 1,
          schema: 'pgboss',
        });
        q.register(featureJobs);
        return q;
      });
      try {
        await Promise.all(queues.map((q) => q.start()));
        const { rows: names } = await dbs[0]!.query<{ name: string }>('SELECT name FROM pgboss.queue');
        expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(featureJobs.map((j) => j.name)));
      } finally {
        await Promise.allSettled(queues.map((q) => q.stop()));
      }
    } finally {
      await Promise.allSettled(dbs.map((d) => d.close()));
      await fresh.drop();
    }
  });
});
