import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../test/agent.js';
import { lastMail } from '../../test/factories.js';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import { loggerOptions, redactUrl } from './logging.js';

// The app logs through the production logger options into memory.
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ logger: pino(loggerOptions('info'), sink) });
});
afterAll(() => t.close());

// biome-ignore lint/suspicious/noExplicitAny: a test client reads JSON answers loosely and checks them with expect
const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, any>);

describe('logs', () => {
  it('write JSON lines with the request id and neither the password nor the session cookie of a sign-in', async () => {
    const email = `log-${uid()}@example.com`;
    const password = `pw-${uid()}-secret`;
    const agent = new Agent(t.app);
    await agent.post('/api/v1/auth/register', { email, password, name: 'Log Test' });
    const mail = await lastMail(t, email);
    await agent.post('/api/v1/auth/verify-email', { token: mail!.token });

    lines.length = 0;
    const login = await agent.post('/api/v1/auth/login', { email, password }, { 'x-request-id': 'proxy-req-42' });
    expect(login.statusCode).toBe(200);
    expect(login.headers['x-request-id']).toBe('proxy-req-42');
    const cookie = [...agent.cookies.values()].find((v) => v.length > 30)!;
    const me = await agent.get('/api/v1/me');
    expect(me.statusCode).toBe(200);

    expect(lines.length).toBeGreaterThanOrEqual(4);
    const all = lines.join('\n');
    expect(all).not.toContain(password);
    expect(all).not.toContain(cookie);
    for (const l of parsed()) expect(typeof l.reqId).toBe('string');
    const ofLogin = parsed().filter((l) => l.reqId === 'proxy-req-42');
    expect(ofLogin.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect(ofLogin[0]!.req).toMatchObject({ method: 'POST', url: '/api/v1/auth/login', route: '/api/v1/auth/login' });
    expect(ofLogin[1]!.res).toMatchObject({ statusCode: 200 });
    // Every request gets an id of its own, returned in X-Request-Id.
    expect(me.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(parsed().filter((l) => l.reqId === me.headers['x-request-id'])).toHaveLength(2);
  });

  it('keeps the tokens of links out of the logs, and does not echo an unsafe X-Request-Id', async () => {
    lines.length = 0;
    const token = 'Zt3xq9W1kV0aPqH7sLr2Ty8uNb5mCd4eFg6hJk2LmNo';
    await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });
    await t.app.inject({ method: 'GET', url: `/verify-email?token=${token}&lang=fr` });
    const bad = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'evil"\n{"level":60}' } });
    const long = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a'.repeat(200) } });
    const all = lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).toContain('/api/v1/invitations/[redacted]');
    expect(all).toContain('/verify-email?token=[redacted]&lang=fr');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(long.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(all).not.toContain('evil');
  });

  it('redacts token-like path segments and secret query values, keeping ids, slugs and paging', () => {
    expect(redactUrl('/api/v1/orgs/0192f0c4-5a1b-7c3d-8e9f-0a1b2c3d4e5f/groups?limit=50&cursor=abc')).toBe(
      '/api/v1/orgs/0192f0c4-5a1b-7c3d-8e9f-0a1b2c3d4e5f/groups?limit=50&cursor=abc',
    );
    expect(redactUrl('/api/v1/join/acme-training-centre-paris')).toBe('/api/v1/join/acme-training-centre-paris');
    expect(redactUrl('/invitations/AbCdEfGhIjKlMnOpQrStUvWxYz012345')).toBe('/invitations/[redacted]');
    expect(redactUrl('/api/v1/auth/sso/start?email=ann%40example.com')).toBe('/api/v1/auth/sso/start?email=[redacted]');
  });
});
