import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient } from '../../../test/api-key-client.js';
import { addMember } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Org = Awaited<ReturnType<typeof orgWithOwner>>;
async function newKey(o: Org, scopes: string[], extra: Record<string, unknown> = {}) {
  const res = expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: `Key ${uid()}`, scopes, ...extra }), 201);
  return res.data as { id: string; secret: string; prefix: string };
}

describe('API keys', () => {
  it('shows the secret once, lists the key with its prefix and last use, and audits creation', async () => {
    const o = await orgWithOwner(t);
    const key = await newKey(o, ['members:read']);
    expect(key.secret).toMatch(/^trp_[A-Za-z0-9_-]{43}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    expectStatus(await keyClient(t, key.secret).get(`${o.base}/members`), 200);
    const list = expectStatus(await o.owner.agent.get(`${o.base}/api-keys`), 200).data.items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: key.id, prefix: key.prefix, scopes: ['members:read'], lastUsedIp: '127.0.0.1' });
    expect(list[0].lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain(key.secret);
    const audit = (await o.owner.agent.get(`${o.base}/audit-events`)).data.items.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['api_key.created', 'api_key.used_from_new_address']));
  });

  it('refuses an unknown scope and a past expiry with a 422 naming the field', async () => {
    const o = await orgWithOwner(t);
    const bad = await o.owner.agent.post(`${o.base}/api-keys`, { name: 'X', scopes: ['members:read', 'everything'] });
    expect(bad.statusCode).toBe(422);
    expect(Object.keys(bad.data.error.details.fields)[0]).toMatch(/^scopes/);
    const past = await o.owner.agent.post(`${o.base}/api-keys`, { name: 'X', scopes: ['members:read'], expiresAt: '2000-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(422);
    expect(past.data.error.details.fields).toHaveProperty('expiresAt');
  });

  it('is for owners and admins only', async () => {
    const o = await orgWithOwner(t);
    const manager = await addMember(t, o.org.id, 'manager_full');
    expect((await manager.agent.post(`${o.base}/api-keys`, { name: 'X', scopes: ['members:read'] })).statusCode).toBe(403);
    const admin = await addMember(t, o.org.id, 'admin');
    expect((await admin.agent.post(`${o.base}/api-keys`, { name: 'X', scopes: ['members:read'] })).statusCode).toBe(201);
  });

  it('allows what its scopes allow and refuses the rest, needs no CSRF token, and never makes keys', async () => {
    const o = await orgWithOwner(t);
    const reader = keyClient(t, (await newKey(o, ['members:read'])).secret);
    expectStatus(await reader.get(`${o.base}/members`), 200);
    const refused = await reader.post(`${o.base}/groups`, { name: 'G' });
    expect(refused.statusCode).toBe(403);
    expect(refused.data.error.code).toBe('insufficient_scope');
    expect((await reader.get(`${o.base}/groups`)).statusCode).toBe(403);

    const writer = keyClient(t, (await newKey(o, ['groups:write', 'members:write'])).secret);
    expectStatus(await writer.post(`${o.base}/groups`, { name: `G ${uid()}` }), 201);
    expect((await writer.post(`${o.base}/api-keys`, { name: 'Y', scopes: ['members:read'] })).statusCode).toBe(403);
    expect((await writer.get(`${o.base}/api-keys`)).statusCode).toBe(403);
    // Account routes are not for keys.
    expect((await writer.get('/api/v1/me')).statusCode).toBe(403);
  });

  it('never gives nor changes the roles of owners and admins', async () => {
    const o = await orgWithOwner(t);
    const writer = keyClient(t, (await newKey(o, ['members:write'])).secret);
    const admin = await addMember(t, o.org.id, 'admin');
    const learner = await addMember(t, o.org.id, 'learner');
    expect((await writer.patch(`${o.base}/members/${learner.id}`, { role: 'admin' })).statusCode).toBe(403);
    expect((await writer.patch(`${o.base}/members/${admin.id}`, { role: 'learner' })).statusCode).toBe(403);
    expect((await writer.patch(`${o.base}/members/${o.owner.id}`, { role: 'learner' })).statusCode).toBe(403);
    expectStatus(await writer.patch(`${o.base}/members/${learner.id}`, { role: 'manager_limited' }), 200);
    const created = await writer.post(`${o.base}/members`, { email: `x-${uid()}@example.com`, name: 'X', role: 'owner' });
    expect(created.statusCode).toBe(403);
  });

  it("answers 404 for another organization's id", async () => {
    const o = await orgWithOwner(t);
    const other = await orgWithOwner(t);
    const key = keyClient(t, (await newKey(o, ['members:read'])).secret);
    const res = await key.get(`${other.base}/members`);
    expect(res.statusCode).toBe(404);
    expect(res.data.error.code).toBe('not_found');
  });

  it('stops working at once when revoked (401 in the error format), and the revocation is audited', async () => {
    const o = await orgWithOwner(t);
    const key = await newKey(o, ['members:read']);
    const client = keyClient(t, key.secret);
    expectStatus(await client.get(`${o.base}/members`), 200);
    expectStatus(await o.owner.agent.delete(`${o.base}/api-keys/${key.id}`), 204);
    const res = await client.get(`${o.base}/members`);
    expect(res.statusCode).toBe(401);
    expect(res.data.error).toMatchObject({ code: 'api_key_revoked' });
    expect((await o.owner.agent.delete(`${o.base}/api-keys/${key.id}`)).statusCode).toBe(404);
    const audit = (await o.owner.agent.get(`${o.base}/audit-events?action=api_key.revoked`)).data.items;
    expect(audit).toHaveLength(1);
  });

  it('refuses an expired key, an unknown key, and a key in the query string', async () => {
    const o = await orgWithOwner(t);
    const expiresAt = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const key = await newKey(o, ['members:read'], { expiresAt });
    expectStatus(await keyClient(t, key.secret).get(`${o.base}/members`), 200);
    t.clock.advance(2 * 3_600_000);
    const expired = await keyClient(t, key.secret).get(`${o.base}/members`);
    expect(expired.statusCode).toBe(401);
    expect(expired.data.error.code).toBe('api_key_expired');
    const unknown = await keyClient(t, `trp_${'A'.repeat(43)}`).get(`${o.base}/members`);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.data.error.code).toBe('invalid_api_key');
    const live = await newKey(o, ['members:read']);
    const inQuery = await t.app.inject({ method: 'GET', url: `${o.base}/members?api_key=${live.secret}` });
    expect(inQuery.statusCode).toBe(400);
    expect(inQuery.json().error.code).toBe('api_key_in_query');
  });

  it('rate-limits each key with Retry-After', async () => {
    const o = await orgWithOwner(t);
    const before = t.ctx.config.apiKeys.rateLimitMax;
    t.ctx.config.apiKeys.rateLimitMax = 3;
    try {
      const a = keyClient(t, (await newKey(o, ['members:read'])).secret);
      const b = keyClient(t, (await newKey(o, ['members:read'])).secret);
      for (let i = 0; i < 3; i++) expectStatus(await a.get(`${o.base}/members`), 200);
      const limited = await a.get(`${o.base}/members`);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.data.error.code).toBe('rate_limited');
      expectStatus(await b.get(`${o.base}/members`), 200);
    } finally {
      t.ctx.config.apiKeys.rateLimitMax = before;
    }
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and changes nothing; another body with the same key is a 422', async () => {
    const o = await orgWithOwner(t);
    const key = keyClient(t, (await newKey(o, ['groups:write'])).secret);
    const idem = { 'idempotency-key': `k-${uid()}` };
    const name = `Team ${uid()}`;
    const first = expectStatus(await key.post(`${o.base}/groups`, { name }, idem), 201);
    const again = expectStatus(await key.post(`${o.base}/groups`, { name }, idem), 201);
    expect(again.data).toEqual(first.data);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const groups = (await key.get(`${o.base}/groups`)).data.items.filter((g: { name: string }) => g.name === name);
    expect(groups).toHaveLength(1);
    const other = await key.post(`${o.base}/groups`, { name: `${name} bis` }, idem);
    expect(other.statusCode).toBe(422);
    expect(other.data.error.code).toBe('idempotency_key_reused');
    expect(other.data.error.details.fields).toHaveProperty('Idempotency-Key');
    // Without the header, the same body is a new request (here: a duplicate name).
    expect((await key.post(`${o.base}/groups`, { name })).statusCode).toBe(409);
  });

  it('keeps an error answer too, and forgets a key after 24 hours', async () => {
    const o = await orgWithOwner(t);
    const key = keyClient(t, (await newKey(o, ['groups:write'])).secret);
    const name = `Team ${uid()}`;
    expectStatus(await key.post(`${o.base}/groups`, { name }), 201);
    const idem = { 'idempotency-key': `k-${uid()}` };
    expect((await key.post(`${o.base}/groups`, { name }, idem)).statusCode).toBe(409);
    expect((await key.post(`${o.base}/groups`, { name }, idem)).statusCode).toBe(409);
    await t.ctx.database.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [
      idem['idempotency-key'],
    ]);
    const renamed = await key.post(`${o.base}/groups`, { name: `${name} 2` }, idem);
    expect(renamed.statusCode).toBe(201);
  });
});
