import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { PASSWORD, signUp } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { type IdpAccount, startIdp, type TestIdp } from '../../../test/oidc-provider.js';
import { queryRows } from '../../lib/sql.js';

let t: TestApp;
let idp: TestIdp;
beforeAll(async () => {
  t = await createTestApp({ env: { SSO_ALLOW_INSECURE_ISSUERS: 'true' } });
  idp = await startIdp({ redirectUri: 'http://troupe.test/api/v1/auth/sso/callback' });
});
afterAll(async () => {
  await idp.close();
  await t.close();
});

/** An organization with a verified domain (inserted as the domains module leaves it once the TXT record is found) and a connection. */
async function ssoOrg(o: { client?: number; groupsClaim?: boolean; seatLimit?: number } = {}) {
  const org = await orgWithOwner(t);
  const domain = `acme-${uid()}.test`;
  const [d] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`INSERT INTO org_domains (org_id, domain, verification_token, verified_at) VALUES (${org.org.id}, ${domain}, ${uid()}, now()) RETURNING id`,
  );
  const sales = await org.group('Sales');
  const support = await org.group('Support');
  const welcome = await org.group('Welcome');
  const client = idp.clients[o.client ?? 0]!;
  const conn = expectStatus(
    await org.owner.agent.post(`${org.base}/sso-connections`, {
      name: 'Acme IdP',
      issuer: idp.issuer,
      clientId: client.id,
      clientSecret: client.secret,
      scopes: 'openid email profile groups',
      groupsClaim: 'groups',
      groupMap: { sales: [sales.id], support: [support.id] },
      defaultRole: 'learner',
      defaultGroupIds: [welcome.id],
      domainIds: [d!.id],
    }),
    201,
  ).data;
  if (o.seatLimit !== undefined) expectStatus(await org.owner.agent.patch(org.base, { seatLimit: o.seatLimit }), 200);
  return { ...org, domain, domainId: d!.id, conn, sales, support, welcome };
}

function person(domain: string, over: Partial<IdpAccount> = {}): IdpAccount {
  const id = uid();
  return { sub: `sub-${id}`, email: `p-${id}@${domain}`, email_verified: true, name: `Person ${id}`, locale: 'fr', groups: [], ...over };
}

/** Email-first sign-in in a fresh browser: start, the provider, the callback. Returns the agent and the final redirect. */
async function ssoSignIn(email: string, agent = new Agent(t.app)) {
  const start = await agent.get(`/api/v1/auth/sso/start?email=${encodeURIComponent(email)}`);
  expect(start.statusCode, start.body).toBe(302);
  const back = await idp.authorize(String(start.headers.location));
  const cb = await agent.get(back.pathname + back.search);
  expect(cb.statusCode).toBe(302);
  return { agent, location: String(cb.headers.location), callbackPath: back.pathname + back.search };
}

const membership = async (orgId: string, email: string) =>
  (
    await queryRows<{ role: string; status: string; source: string; groups: string[] }>(
      t.ctx.db,
      sql`SELECT m.role, m.status, m.source, coalesce(array_agg(g.name ORDER BY g.name) FILTER (WHERE g.id IS NOT NULL), '{}') AS groups
          FROM memberships m JOIN accounts a ON a.id = m.account_id
          LEFT JOIN group_members gm ON gm.org_id = m.org_id AND gm.account_id = m.account_id LEFT JOIN groups g ON g.id = gm.group_id
          WHERE m.org_id = ${orgId} AND a.email = ${email} GROUP BY m.role, m.status, m.source`,
    )
  )[0];

const accountCount = async (email: string) =>
  Number((await queryRows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM accounts WHERE email_key = ${email}`))[0]?.n);

describe('single sign-on (OpenID Connect)', () => {
  it('answers password for an address without SSO, and refuses an issuer that does not answer (nothing stored)', async () => {
    const res = await new Agent(t.app).get(`/api/v1/auth/sso/start?email=someone-${uid()}@example.com`);
    expect(res.data).toEqual({ method: 'password' });
    const o = await orgWithOwner(t);
    const bad = await o.owner.agent.post(`${o.base}/sso-connections`, {
      name: 'X',
      issuer: 'http://127.0.0.1:9/',
      clientId: 'x',
      clientSecret: 'y',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.code).toBe('sso_issuer_unreachable');
    expect(expectStatus(await o.owner.agent.get(`${o.base}/sso-connections`), 200).data).toEqual([]);
  });

  it('creates the account and membership just in time, with default and mapped groups; later sign-ins follow the mapping', async () => {
    const o = await ssoOrg();
    const p = person(o.domain, { groups: ['sales'] });
    idp.setAccount(p);
    const first = await ssoSignIn(p.email!);
    expect(first.location).toBe('http://troupe.test/');
    const me = expectStatus(await first.agent.get('/api/v1/me'), 200).data;
    expect(me.account ?? me).toMatchObject({ email: p.email, name: p.name });
    expect(await membership(o.org.id, p.email!)).toMatchObject({
      role: 'learner',
      status: 'active',
      source: 'sso',
      groups: ['Sales', 'Welcome'],
    });
    // The secret is stored sealed, never in clear, and not returned.
    const [row] = await queryRows<{ s: string }>(
      t.ctx.db,
      sql`SELECT client_secret_sealed AS s FROM sso_connections WHERE id = ${o.conn.id}`,
    );
    expect(row?.s).not.toContain('secret-a');
    expect(JSON.stringify(o.conn)).not.toContain('secret-a');

    // A manager puts the person in Support by hand; the provider moves them from sales to support and back out.
    await o.addToGroup(o.support.id, [me.account?.id ?? me.id]);
    idp.setAccount({ ...p, groups: [], name: 'Renamed Person' });
    await ssoSignIn(p.email!);
    // Sales came from the mapping: removed. Support was added by hand: kept. Welcome (default): kept.
    expect(await membership(o.org.id, p.email!)).toMatchObject({ groups: ['Support', 'Welcome'] });
    const [acc] = await queryRows<{ name: string }>(t.ctx.db, sql`SELECT name FROM accounts WHERE email = ${p.email}`);
    expect(acc?.name).toBe('Renamed Person');
    const audit = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`SELECT action FROM audit_events WHERE org_id = ${o.org.id} AND action LIKE 'sso.%'`,
    );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['sso.connection_created', 'sso.signed_in']));
  });

  it('refuses a state returned to another browser, and a replayed callback; nothing is created', async () => {
    const o = await ssoOrg();
    const p = person(o.domain);
    idp.setAccount(p);
    const start = await new Agent(t.app).get(`/api/v1/auth/sso/start?email=${encodeURIComponent(p.email!)}`);
    const back = await idp.authorize(String(start.headers.location));
    const other = await new Agent(t.app).get(back.pathname + back.search);
    expect(String(other.headers.location)).toContain('ssoError=sso_failed');
    expect(await accountCount(p.email!)).toBe(0);

    const p2 = person(o.domain);
    idp.setAccount(p2);
    const done = await ssoSignIn(p2.email!);
    const again = await done.agent.get(done.callbackPath);
    expect(String(again.headers.location)).toContain('ssoError=sso_failed');
    expect(await accountCount(p2.email!)).toBe(1);
  });

  it('does not link an existing account by an unverified email claim, nor by a verified one at a domain the organization has not verified', async () => {
    const o = await ssoOrg();
    // email_verified false: no account is created either.
    const unverified = person(o.domain, { email_verified: false });
    idp.setAccount(unverified);
    expect((await ssoSignIn(unverified.email!)).location).toContain('ssoError=sso_email_not_vouched');
    expect(await accountCount(unverified.email!)).toBe(0);

    // An existing account at the domain, and an identity claiming its address unverified: refused, not linked.
    const existing = await signUp(t, { email: `victim-${uid()}@${o.domain}` });
    idp.setAccount(person(o.domain, { sub: `attacker-${uid()}`, email: existing.email, email_verified: false }));
    expect((await ssoSignIn(existing.email)).location).toContain('ssoError=sso_no_link');
    // An unrelated account elsewhere (a domain nobody verified), claimed verified by the provider: refused.
    const elsewhere = await signUp(t, { email: `other-${uid()}@example.com` });
    idp.setAccount(person(o.domain, { sub: `attacker2-${uid()}`, email: elsewhere.email, email_verified: true }));
    idp.signInAs(`attacker2-${uid()}`);
    const agent = new Agent(t.app);
    const start = await agent.get(`/api/v1/auth/sso/start?org=${o.org.slug}`);
    const hinted = new URL(String(start.headers.location));
    hinted.searchParams.set('login_hint', elsewhere.email);
    const back = await idp.authorize(hinted.href);
    const cb = await agent.get(back.pathname + back.search);
    expect(String(cb.headers.location)).toContain('ssoError=sso_no_link');
    const ids = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`SELECT count(*)::int AS n FROM sso_identities i JOIN accounts a ON a.id = i.account_id WHERE a.email IN (${existing.email}, ${elsewhere.email})`,
    );
    expect(ids[0]?.n).toBe(0);

    // The owner of the account signs in with their password and links from their account page.
    const link = expectStatus(await existing.agent.post('/api/v1/auth/sso/link'), 200);
    idp.setAccount(person(o.domain, { sub: `victim-sub-${uid()}`, email: existing.email, email_verified: false }));
    const linkedBack = await idp.authorize(link.data.redirectUrl);
    const linked = await existing.agent.get(linkedBack.pathname + linkedBack.search);
    expect(String(linked.headers.location)).toBe('http://troupe.test/account?sso=linked');
    expect(await membership(o.org.id, existing.email)).toMatchObject({ status: 'active', role: 'learner' });
  });

  it('enforces SSO for the domain: password sign-in and reset refused, except for owners', async () => {
    const o = await ssoOrg();
    const member = await signUp(t, { email: `m-${uid()}@${o.domain}` });
    const owner = await signUp(t, { email: `boss-${uid()}@${o.domain}` });
    await t.ctx.db.execute(sql`INSERT INTO memberships (org_id, account_id, role) VALUES (${o.org.id}, ${owner.id}, 'owner')`);
    expectStatus(await o.owner.agent.patch(`${o.base}/domains/${o.domainId}`, { policy: 'none', sso: { enforced: true } }), 200);
    const refused = await new Agent(t.app).post('/api/v1/auth/login', { email: member.email, password: PASSWORD });
    expect(refused.statusCode).toBe(403);
    expect(refused.data.error.code).toBe('sso_required');
    expect(refused.data.error.message).toContain(o.org.name);
    const reset = await new Agent(t.app).post('/api/v1/auth/forgot-password', { email: member.email });
    expect(reset.data.error.code).toBe('sso_required');
    expectStatus(await new Agent(t.app).post('/api/v1/auth/login', { email: owner.email, password: PASSWORD }), 200);
  });

  it('refuses the just-in-time membership when the organization has no free seat (no account left behind)', async () => {
    const o = await ssoOrg({ seatLimit: 0 });
    const p = person(o.domain);
    idp.setAccount(p);
    expect((await ssoSignIn(p.email!)).location).toContain('ssoError=seats_full');
    expect(await accountCount(p.email!)).toBe(0);
  });

  it('tests a connection: the admin signs in once at the provider and sees the claims', async () => {
    const o = await ssoOrg({ client: 1 });
    const p = person(o.domain, { groups: ['support'] });
    idp.setAccount(p);
    idp.signInAs(p.sub);
    const test = expectStatus(await o.owner.agent.post(`${o.base}/sso-connections/${o.conn.id}/test`), 200);
    const back = await idp.authorize(test.data.redirectUrl);
    const cb = await o.owner.agent.get(back.pathname + back.search);
    expect(String(cb.headers.location)).toBe(`http://troupe.test/orgs/${o.org.id}/settings?ssoTested=${o.conn.id}`);
    const result = expectStatus(await o.owner.agent.get(`${o.base}/sso-connections/${o.conn.id}/test-result`), 200);
    expect(result.data.claims).toMatchObject({ sub: p.sub, email: p.email, groups: ['support'] });
    expect(await accountCount(p.email!)).toBe(0);
  });
  it('follows the domain’s policy for a newcomer: suggest makes a request to approve, auto-join adds its groups', async () => {
    const o = await ssoOrg();
    expectStatus(await o.owner.agent.patch(`${o.base}/domains/${o.domainId}`, { policy: 'suggest' }), 200);
    const asker = person(o.domain);
    idp.setAccount(asker);
    const first = await ssoSignIn(asker.email!);
    expect(first.location).toBe('http://troupe.test/');
    expect(await membership(o.org.id, asker.email!)).toBeUndefined();
    const pending = expectStatus(await o.owner.agent.get(`${o.base}/join-requests?status=pending`), 200).data;
    const request = pending.items.find((r: { email: string }) => r.email === asker.email);
    expect(request).toMatchObject({ source: 'domain', status: 'pending' });
    // Signing in again while the request waits changes nothing; once approved, they are a member.
    idp.setAccount(asker);
    await ssoSignIn(asker.email!);
    expect(expectStatus(await o.owner.agent.get(`${o.base}/join-requests?status=pending`), 200).data.items).toHaveLength(1);
    expectStatus(await o.owner.agent.post(`${o.base}/join-requests/${request.id}/approve`), 200);
    expect(await membership(o.org.id, asker.email!)).toMatchObject({ status: 'active' });

    expectStatus(await o.owner.agent.patch(`${o.base}/domains/${o.domainId}`, { policy: 'auto_join', groupIds: [o.support.id] }), 200);
    const joiner = person(o.domain);
    idp.setAccount(joiner);
    await ssoSignIn(joiner.email!);
    expect(await membership(o.org.id, joiner.email!)).toMatchObject({ status: 'active', source: 'sso', groups: ['Support', 'Welcome'] });
  });
  it('sets profile fields from claims of the same name, and rule-based groups follow', async () => {
    const o = await ssoOrg();
    expectStatus(
      await o.owner.agent.post(`${o.base}/profile-fields`, { key: 'department', label: { en: 'Department' }, type: 'text' }),
      201,
    );
    const finance = await o.group('Finance');
    expectStatus(
      await o.owner.agent.put(`${o.base}/groups/${finance.id}/rule`, {
        match: 'all',
        conditions: [{ field: 'department', op: 'eq', value: 'Finance' }],
      }),
      200,
    );
    const p = person(o.domain, { department: 'Finance' });
    idp.setAccount(p);
    await ssoSignIn(p.email!);
    expect((await membership(o.org.id, p.email!))?.groups).toEqual(['Finance', 'Welcome']);
    // The directory moves them: the next sign-in follows.
    idp.setAccount({ ...p, department: 'Sales' });
    await ssoSignIn(p.email!);
    expect((await membership(o.org.id, p.email!))?.groups).toEqual(['Welcome']);
  });
});
