import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import { AppError } from './errors.js';
import { registerKeyedLimits } from './keyed-limits.js';

// config.limitedBy on its own (a bare Fastify app, a public route): the keys are counted before the
// handler, each on its own, and the request is refused once any key is over the limit, without
// reaching the handler. (An address and an account together: passcodes.test.ts.)

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('counts a public route by its keys and refuses past the limit, each key on its own', async () => {
  const app = Fastify();
  app.setErrorHandler((err, _req, reply) => {
    reply.status(err instanceof AppError ? err.status : 500).send({ code: err instanceof AppError ? err.code : String(err) });
  });
  registerKeyedLimits(app, t.ctx.database, `keyed-${uid()}`);
  const handled: string[] = [];
  app.post<{ Body: { who: string } }>(
    '/limited',
    { config: { limitedBy: { max: 2, windowMs: 60_000, keys: (req) => [`who:${(req.body as { who: string }).who}`] } } },
    async (req) => {
      handled.push(req.body.who);
      return { ok: true };
    },
  );
  const post = async (who: string) => (await app.inject({ method: 'POST', url: '/limited', payload: { who } })).statusCode;
  try {
    expect([await post('a'), await post('a'), await post('a'), await post('b')]).toEqual([200, 200, 429, 200]);
    expect(handled).toEqual(['a', 'a', 'b']);
    const refused = await app.inject({ method: 'POST', url: '/limited', payload: { who: 'a' } });
    expect(refused.json()).toEqual({ code: 'rate_limited' });
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
  } finally {
    await app.close();
  }
});
