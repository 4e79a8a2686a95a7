import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../test/agent.js';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import { type DatabaseRateLimitStore, databaseRateLimitStore } from './rate-limit-store.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** One hit through a store, as @fastify/rate-limit makes it. */
const hit = (store: DatabaseRateLimitStore, key: string, windowMs = 60_000) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (err, res) => (err || !res ? reject(err) : resolve(res)), windowMs, 10),
  );

describe('rate limits counted in the database', () => {
  it('counts hits from two processes on one key as one count, per route, and starts again when the window ends', async () => {
    // Two processes each build their own store over the same database.
    const prefix = `store-${uid()}:`;
    const routeOf = (Store: ReturnType<typeof databaseRateLimitStore>) =>
      new Store({}).child({ routeInfo: { method: 'POST', url: '/api/v1/auth/login' } });
    const one = routeOf(databaseRateLimitStore(t.ctx.database, { keyPrefix: prefix }));
    const two = routeOf(databaseRateLimitStore(t.ctx.database, { keyPrefix: prefix }));
    const counts = await Promise.all(Array.from({ length: 11 }, (_, i) => hit(i % 2 ? two : one, '203.0.113.7')));
    expect(counts.map((c) => c.current).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const c of counts) expect(c.ttl).toBeGreaterThan(0);
    for (const c of counts) expect(c.ttl).toBeLessThanOrEqual(60_000);

    // Another route, or another address, has counts of its own.
    const other = new (databaseRateLimitStore(t.ctx.database, { keyPrefix: prefix }))({}).child({
      routeInfo: { method: 'POST', url: '/api/v1/auth/register' },
    });
    expect((await hit(other, '203.0.113.7')).current).toBe(1);
    expect((await hit(one, '203.0.113.8')).current).toBe(1);

    // A window of 50 ms: once it is over, the count starts again at 1.
    expect((await hit(one, 'short', 50)).current).toBe(1);
    expect((await hit(two, 'short', 50)).current).toBe(2);
    await new Promise((r) => setTimeout(r, 120));
    expect((await hit(two, 'short', 50)).current).toBe(1);
  });

  it.skipIf(!onPostgres)(
    'two app instances on one PostgreSQL database allow 10 sign-in attempts together, and a restart keeps the count',
    async () => {
      const keyPrefix = `apps-${uid()}:`;
      const web1 = await createTestApp({ rateLimitMax: 10, rateLimitKeyPrefix: keyPrefix });
      const web2 = await createTestApp({ rateLimitMax: 10, rateLimitKeyPrefix: keyPrefix });
      let web3: TestApp | null = null;
      try {
        const agents = [new Agent(web1.app), new Agent(web2.app)];
        const codes: number[] = [];
        for (let i = 0; i < 11; i++)
          codes.push(
            (await agents[i % 2]!.post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'wrong password' })).statusCode,
          );
        expect(codes).toEqual([...Array(10).fill(401), 429]);
        const blocked = await agents[0]!.post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'wrong password' });
        expect(blocked.statusCode).toBe(429);
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(blocked.data.error.code).toBe('rate_limited');

        // A process restarting (a new instance) still refuses.
        await web1.close();
        web3 = await createTestApp({ rateLimitMax: 10, rateLimitKeyPrefix: keyPrefix });
        const again = await new Agent(web3.app).post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'wrong password' });
        expect(again.statusCode).toBe(429);
      } finally {
        await Promise.allSettled([web1.close(), web2.close(), web3?.close()]);
      }
    },
  );
});
