import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, PASSWORD } from '../../test/factories.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { loadConfig } from '../config.js';

const login = (t: TestApp, email: string, password: string, o: { from?: string; forwardedFor?: string } = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: o.from ?? '127.0.0.1',
    headers: o.forwardedFor ? { 'x-forwarded-for': o.forwardedFor } : {},
  });

/** The addresses the audit log recorded for an account's sign-ins. */
async function signInAddresses(o: Awaited<ReturnType<typeof createOrg>>) {
  const res = await o.owner.agent.get(`/api/v1/orgs/${o.org.id}/audit-events?action=auth.sign_in`);
  expect(res.statusCode).toBe(200);
  return (res.data.items as { ip: string | null }[]).map((e) => e.ip);
}

describe('TRUST_PROXY parsing', () => {
  const parse = (v: string) => loadConfig({ DATA_DIR: process.env.TMPDIR ?? '/tmp', TRUST_PROXY: v }).trustProxy;
  it('is off by default and takes true, a hop count or a list of addresses and ranges', () => {
    expect(loadConfig({ DATA_DIR: '/tmp' }).trustProxy).toBe(false);
    expect(parse('')).toBe(false);
    expect(parse('false')).toBe(false);
    expect(parse('true')).toBe(true);
    expect(parse('2')).toBe(2);
    expect(parse('127.0.0.1, 10.0.0.0/8,::1,loopback')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'loopback']);
    expect(() => parse('proxy.example.com')).toThrow(/TRUST_PROXY/);
  });
});

describe('without TRUST_PROXY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ rateLimitMax: 3 });
  });
  afterAll(() => t.close());

  it('a client changing X-Forwarded-For cannot escape the per-address sign-in limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await login(t, 'nobody@example.com', 'wrong password', { from: '198.51.100.9', forwardedFor: `203.0.113.${i}` });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    expect((await login(t, 'nobody@example.com', 'wrong password', { from: '198.51.100.10' })).statusCode).toBe(401);
  });

  it('the audit log records the socket address, not the forwarded one', async () => {
    const o = await createOrg(t);
    expect((await login(t, o.owner.email, PASSWORD, { forwardedFor: '203.0.113.77' })).statusCode).toBe(200);
    const ips = await signInAddresses(o);
    expect(ips).not.toContain('203.0.113.77');
    expect(ips[0]).toBe('127.0.0.1');
  });
});

describe.each([
  ['a hop count', '1'],
  ['the proxy address', '127.0.0.1'],
])('with TRUST_PROXY set to %s', (_label, value) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ rateLimitMax: 3, env: { TRUST_PROXY: value } });
  });
  afterAll(() => t.close());

  it('limits and audits by the client address the proxy forwards', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await login(t, 'nobody@example.com', 'wrong', { forwardedFor: '203.0.113.5' })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy is not locked out.
    expect((await login(t, 'nobody@example.com', 'wrong', { forwardedFor: '203.0.113.6' })).statusCode).toBe(401);

    const o = await createOrg(t);
    expect((await login(t, o.owner.email, PASSWORD, { forwardedFor: '203.0.113.78' })).statusCode).toBe(200);
    expect((await signInAddresses(o))[0]).toBe('203.0.113.78');
  });
});
