import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../../test/factories.js';
import { orgWithOwner } from '../../../test/factories-groups.js';
import { startDnsServer, type TestDnsServer } from '../../../test/dns-server.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';
import { findVerifiedDomain, recheckDomains } from './domains.service.js';

let t: TestApp;
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  t = await createTestApp({ env: { DNS_SERVERS: dns.address } });
});
afterAll(async () => {
  await t.close();
  await dns.close();
});

const newDomain = () => `acme-${uid()}.test`;

/** An organization with a domain added and its record published; returns the verified domain. */
async function verifiedDomain(o: Awaited<ReturnType<typeof orgWithOwner>>, name = newDomain()) {
  const added = await o.owner.agent.post(`${o.base}/domains`, { domain: name });
  expect(added.statusCode).toBe(201);
  dns.setTxt(name, [added.data.verificationRecord.value]);
  const verified = await o.owner.agent.post(`${o.base}/domains/${added.data.id}/verify`);
  expect(verified.statusCode).toBe(200);
  return verified.data as { id: string; domain: string };
}

describe('verified domains', () => {
  it('adds a domain with the TXT record to create, and verifies it once the record is published', async () => {
    const o = await orgWithOwner(t);
    const name = newDomain();
    const res = await o.owner.agent.post(`${o.base}/domains`, { domain: name });
    expect(res.statusCode).toBe(201);
    expect(res.data).toMatchObject({ domain: name, verifiedAt: null, policy: 'none' });
    expect(res.data.verificationRecord).toMatchObject({ type: 'TXT', name });
    expect(res.data.verificationRecord.value).toMatch(/^troupe-verification=[A-Za-z0-9_-]{20,}$/);

    // Missing: the domain has no record at all.
    const missing = await o.owner.agent.post(`${o.base}/domains/${res.data.id}/verify`);
    expect(missing.statusCode).toBe(422);
    expect(missing.data.error.code).toBe('domain_not_verified');
    expect(missing.data.error.details.found).toEqual([]);

    // Mismatch: a record is there, with another value; the answer says what was found.
    dns.setTxt(name, ['v=spf1 -all', 'troupe-verification=somebody-else']);
    const mismatch = await o.owner.agent.post(`${o.base}/domains/${res.data.id}/verify`);
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.data.error.details.found).toEqual(['v=spf1 -all', 'troupe-verification=somebody-else']);
    expect(mismatch.data.error.details.reason).toBe('record_mismatch');

    dns.setTxt(name, ['v=spf1 -all', res.data.verificationRecord.value]);
    const ok = await o.owner.agent.post(`${o.base}/domains/${res.data.id}/verify`);
    expect(ok.statusCode).toBe(200);
    expect(ok.data.verifiedAt).not.toBeNull();
    expect(await findVerifiedDomain(t.ctx.db, `${name.toUpperCase()}.`)).toEqual({
      orgId: o.org.id,
      domainId: res.data.id,
      policy: 'none',
      groupIds: [],
      ssoEnforced: false,
      ssoConnectionId: null,
    });
    const audit = await o.owner.agent.get(`/api/v1/orgs/${o.org.id}/audit-events?action=domain.verified`);
    expect(audit.data.items).toHaveLength(1);
  });

  it('normalises what is typed: case, a trailing dot, Unicode to punycode', async () => {
    const o = await orgWithOwner(t);
    const label = `bücher-${uid()}`;
    const res = await o.owner.agent.post(`${o.base}/domains`, { domain: ` ${label.toUpperCase()}.Example. ` });
    expect(res.statusCode).toBe(201);
    expect(res.data.domain).toMatch(/^xn--bcher-.*\.example$/);
    expect(res.data.domain).not.toContain('.example.');
    const again = await o.owner.agent.post(`${o.base}/domains`, { domain: res.data.domain });
    expect(again.statusCode).toBe(409);
    const bad = await o.owner.agent.post(`${o.base}/domains`, { domain: 'not a domain' });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.code).toBe('invalid_domain');
  });

  it('refuses public mail domains', async () => {
    const o = await orgWithOwner(t);
    for (const domain of ['gmail.com', 'Outlook.com.', 'mail.yahoo.com', 'proton.me']) {
      const res = await o.owner.agent.post(`${o.base}/domains`, { domain });
      expect(res.statusCode, domain).toBe(422);
      expect(res.data.error.code).toBe('public_mail_domain');
    }
  });

  it('a domain verified by one organization cannot be verified by another', async () => {
    const a = await orgWithOwner(t);
    const b = await orgWithOwner(t);
    const name = newDomain();
    const claimB = await b.owner.agent.post(`${b.base}/domains`, { domain: name });
    expect(claimB.statusCode).toBe(201);
    await verifiedDomain(a, name);
    // B publishes its own record too: still refused, A holds it.
    dns.setTxt(name, [claimB.data.verificationRecord.value]);
    const verifyB = await b.owner.agent.post(`${b.base}/domains/${claimB.data.id}/verify`);
    expect(verifyB.statusCode).toBe(409);
    expect(verifyB.data.error.code).toBe('domain_taken');
    const addC = await (await orgWithOwner(t)).owner.agent.post(`/api/v1/orgs/${b.org.id}/domains`, { domain: name });
    expect(addC.statusCode).toBe(404); // not a member of B
    const c = await orgWithOwner(t);
    expect((await c.owner.agent.post(`${c.base}/domains`, { domain: name })).statusCode).toBe(409);
    // Another organization's domain is not found.
    expect(
      (await b.owner.agent.post(`${b.base}/domains/${(await a.owner.agent.get(`${a.base}/domains`)).data.items[0].id}/verify`)).statusCode,
    ).toBe(404);
  });

  it('sets the policy and default groups only once verified; owners and admins only', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group(`G ${uid()}`);
    const added = await o.owner.agent.post(`${o.base}/domains`, { domain: newDomain() });
    const early = await o.owner.agent.patch(`${o.base}/domains/${added.data.id}`, { policy: 'suggest' });
    expect(early.statusCode).toBe(409);
    const d = await verifiedDomain(o);
    const res = await o.owner.agent.patch(`${o.base}/domains/${d.id}`, { policy: 'auto_join', groupIds: [group.id] });
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({ policy: 'auto_join', groupIds: [group.id] });
    expect((await findVerifiedDomain(t.ctx.db, d.domain))?.policy).toBe('auto_join');
    const manager = await addMember(t, o.org.id, 'manager_full');
    expect((await manager.agent.get(`${o.base}/domains`)).statusCode).toBe(403);
    expect((await manager.agent.patch(`${o.base}/domains/${d.id}`, { policy: 'none' })).statusCode).toBe(403);
    const del = await o.owner.agent.delete(`${o.base}/domains/${d.id}`);
    expect(del.statusCode).toBe(204);
    expect(await findVerifiedDomain(t.ctx.db, d.domain)).toBeNull();
  });

  it('the daily check unverifies a domain whose record disappeared, once, and audits it', async () => {
    const o = await orgWithOwner(t);
    const kept = await verifiedDomain(o);
    const lost = await verifiedDomain(o);
    dns.records.delete(lost.domain);
    t.clock.advance(24 * 3600_000);
    await recheckDomains(t.ctx);
    await recheckDomains(t.ctx); // idempotent: nothing due the second time
    expect(await findVerifiedDomain(t.ctx.db, kept.domain)).not.toBeNull();
    expect(await findVerifiedDomain(t.ctx.db, lost.domain)).toBeNull();
    const rows = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`SELECT count(*)::int AS n FROM audit_events WHERE org_id = ${o.org.id} AND action = 'domain.unverified'`,
    );
    expect(rows[0]?.n).toBe(1);
  });
});
