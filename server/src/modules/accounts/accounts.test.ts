import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { PASSWORD, lastMail, signUp } from '../../../test/factories.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('registration and verification', () => {
  it('registers, mails a verification link, verifies once, then signs in', async () => {
    const email = `New.${uid()}@Example.COM`;
    const a = new Agent(t.app);
    const reg = await a.post('/api/v1/auth/register', { email, password: PASSWORD, name: 'Nadia' });
    expect(reg.statusCode).toBe(201);
    const early = await a.post('/api/v1/auth/login', { email, password: PASSWORD });
    expect(early.statusCode).toBe(403);
    expect(early.data.error.code).toBe('email_not_verified');

    const mail = await lastMail(t, email.toLowerCase());
    expect(mail?.subject).toBe('Confirm your email address');
    expect(mail?.link).toMatch(/^http:\/\/troupe\.test\/verify-email\?token=[\w-]{40,}$/);
    expect((await a.post('/api/v1/auth/verify-email', { token: mail!.token })).statusCode).toBe(200);
    const again = await a.post('/api/v1/auth/verify-email', { token: mail!.token });
    expect(again.statusCode).toBe(400);
    expect(again.data.error.code).toBe('invalid_token');

    const login = await a.post('/api/v1/auth/login', { email: email.toLowerCase(), password: PASSWORD });
    expect(login.statusCode).toBe(200);
    const me = await a.get('/api/v1/me');
    expect(me.data.account).toMatchObject({ name: 'Nadia', email: email.replace('Example.COM', 'example.com') });
    expect(me.data.memberships).toEqual([]);
  });

  it('answers the same for an address that already has an account, and mails its owner instead', async () => {
    const { email } = await signUp(t);
    const res = await new Agent(t.app).post('/api/v1/auth/register', { email, password: 'another password', name: 'Intruder' });
    expect(res.statusCode).toBe(201);
    expect(res.data).toEqual({ status: 'verification_sent' });
    expect((await lastMail(t, email))?.subject).toBe('You already have a Troupe account');
    const login = await new Agent(t.app).post('/api/v1/auth/login', { email, password: 'another password' });
    expect(login.statusCode).toBe(401);
  });

  it('refuses an expired verification link with a clear code', async () => {
    const email = `late-${uid()}@example.com`;
    await new Agent(t.app).post('/api/v1/auth/register', { email, password: PASSWORD, name: 'Late' });
    const mail = await lastMail(t, email);
    t.clock.advance(25 * 3600_000);
    try {
      const res = await new Agent(t.app).post('/api/v1/auth/verify-email', { token: mail!.token });
      expect(res.statusCode).toBe(400);
      expect(res.data.error.code).toBe('token_expired');
    } finally {
      t.clock.advance(-25 * 3600_000);
    }
  });

  it('rejects bad input with the error format: invalid email, short password, unknown field, array email', async () => {
    const a = new Agent(t.app);
    const bad = await a.post('/api/v1/auth/register', { email: 'not-an-address', password: PASSWORD, name: 'X' });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.details.fields.email).toBeTruthy();
    const short = await a.post('/api/v1/auth/register', { email: `s-${uid()}@example.com`, password: 'short', name: 'X' });
    expect(short.statusCode).toBe(422);
    expect(short.data.error.details.fields.password).toBeTruthy();
    const extra = await a.post('/api/v1/auth/register', { email: `e-${uid()}@example.com`, password: PASSWORD, name: 'X', role: 'owner' });
    expect(extra.statusCode).toBe(422);
    const arr = await a.post('/api/v1/auth/forgot-password', { email: ['victim@example.com', 'attacker@evil.com'] });
    expect(arr.statusCode).toBe(422);
  });
});

describe('sign-in', () => {
  it('gives the same 401 for an unknown address and a wrong password', async () => {
    const { email } = await signUp(t);
    const a = new Agent(t.app);
    const wrong = await a.post('/api/v1/auth/login', { email, password: 'wrong password' });
    const unknown = await a.post('/api/v1/auth/login', { email: `nobody-${uid()}@example.com`, password: 'wrong password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.data).toEqual(unknown.data);
  });

  it('rotates the session at sign-in and deletes it at sign-out', async () => {
    const { agent, email } = await signUp(t);
    const first = agent.cookies.get('troupe_session');
    await agent.post('/api/v1/auth/login', { email, password: PASSWORD });
    const second = agent.cookies.get('troupe_session');
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const stolen = new Agent(t.app);
    stolen.cookies.set('troupe_session', second!);
    expect((await stolen.get('/api/v1/me')).statusCode).toBe(200);
    expect((await agent.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await stolen.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('refuses a cookie-authenticated change without the CSRF header', async () => {
    const { agent } = await signUp(t);
    const res = await agent.request('PATCH', '/api/v1/me', { name: 'Changed' }, { 'x-csrf-token': 'forged' });
    expect(res.statusCode).toBe(403);
    expect(res.data.error.code).toBe('csrf_failed');
    expect((await agent.patch('/api/v1/me', { locale: 'fr' })).data.locale).toBe('fr');
  });

  it('answers 400 to malformed JSON and 413 to an oversize body, never a 500', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('malformed_json');
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(2_000_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
  });
});

describe('password reset', () => {
  it('mails a one-hour single-use link to the stored address and ends other sessions', async () => {
    const { agent, email } = await signUp(t);
    const anon = new Agent(t.app);
    expect(
      (await anon.post('/api/v1/auth/forgot-password', { email: email.toUpperCase().replace('@EXAMPLE.COM', '@example.com') })).statusCode,
    ).toBe(202);
    expect((await anon.post('/api/v1/auth/forgot-password', { email: `ghost-${uid()}@example.com` })).statusCode).toBe(202);
    const mail = await lastMail(t, email);
    expect(mail?.link).toContain('/reset-password?token=');
    const res = await anon.post('/api/v1/auth/reset-password', { token: mail!.token, password: 'a brand new password' });
    expect(res.statusCode).toBe(200);
    expect((await agent.get('/api/v1/me')).statusCode).toBe(401);
    expect((await anon.post('/api/v1/auth/reset-password', { token: mail!.token, password: 'yet another one' })).statusCode).toBe(400);
    expect((await anon.post('/api/v1/auth/login', { email, password: 'a brand new password' })).statusCode).toBe(200);
  });

  it('refuses a reset link older than one hour', async () => {
    const { email } = await signUp(t);
    await new Agent(t.app).post('/api/v1/auth/forgot-password', { email });
    const mail = await lastMail(t, email);
    t.clock.advance(61 * 60_000);
    try {
      const res = await new Agent(t.app).post('/api/v1/auth/reset-password', { token: mail!.token, password: 'a brand new password' });
      expect(res.data.error.code).toBe('token_expired');
    } finally {
      t.clock.advance(-61 * 60_000);
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After after too many sign-in attempts', async () => {
    const limited = await createTestApp({ rateLimitMax: 3 });
    try {
      const a = new Agent(limited.app);
      const codes: number[] = [];
      for (let i = 0; i < 5; i++)
        codes.push((await a.post('/api/v1/auth/login', { email: 'x@example.com', password: 'whatever1' })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const res = await a.post('/api/v1/auth/login', { email: 'x@example.com', password: 'whatever1' });
      expect(res.headers['retry-after']).toBeTruthy();
      expect(res.data.error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });
});
