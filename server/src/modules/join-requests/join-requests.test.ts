import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { PASSWORD, addMember, lastMail, signUp } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { startDnsServer, type TestDnsServer } from '../../../test/dns-server.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';

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

/** An organization with a group, and a verified domain with the given policy and that group as default. */
async function orgWithDomain(policy: 'suggest' | 'auto_join', app = t) {
  const o = await orgWithOwner(app);
  const group = await o.group(`Staff ${uid()}`);
  const domain = `corp-${uid()}.test`;
  const added = expectStatus(await o.owner.agent.post(`${o.base}/domains`, { domain }), 201).data;
  dns.setTxt(domain, [added.verificationRecord.value]);
  expectStatus(await o.owner.agent.post(`${o.base}/domains/${added.id}/verify`), 200);
  expectStatus(await o.owner.agent.patch(`${o.base}/domains/${added.id}`, { policy, groupIds: [group.id] }), 200);
  return { ...o, group, domain };
}

async function membership(app: TestApp, orgId: string, accountId: string) {
  const [row] = await queryRows<{ role: string; status: string; source: string }>(
    app.ctx.db,
    sql`SELECT role, status, source FROM memberships WHERE org_id = ${orgId} AND account_id = ${accountId}`,
  );
  return row ?? null;
}
async function inGroup(orgId: string, groupId: string, accountId: string) {
  const rows = await queryRows(
    t.ctx.db,
    sql`SELECT 1 FROM group_members WHERE org_id = ${orgId} AND group_id = ${groupId} AND account_id = ${accountId}`,
  );
  return rows.length === 1;
}
const pending = async (o: { owner: { agent: Agent }; base: string }) =>
  expectStatus(await o.owner.agent.get(`${o.base}/join-requests?status=pending`), 200).data;

describe('domain policies', () => {
  it('auto_join: a person who registers and verifies an address at the domain joins at once, as a learner in its groups', async () => {
    const o = await orgWithDomain('auto_join');
    const session = await o.session((await o.program()).id);
    await o.attach(o.group.id, session.id);
    const user = await signUp(t, { email: `ana-${uid()}@${o.domain.toUpperCase()}` });
    expect(await membership(t, o.org.id, user.id)).toMatchObject({ role: 'learner', status: 'active', source: 'domain' });
    expect(await inGroup(o.org.id, o.group.id, user.id)).toBe(true);
    expect((await o.enrolments()).has(`${user.id}:${session.id}`)).toBe(true);
    // Nothing to suggest any more: they are in.
    expect((await user.agent.get('/api/v1/me/join-suggestions')).data.items).toEqual([]);
  });

  it('auto_join: an existing account at the domain sees “Join” on its home and joins with one click', async () => {
    const early = `bo-${uid()}`;
    const domain = `corp-${uid()}.test`;
    const user = await signUp(t, { email: `${early}@${domain}` }); // before the domain is verified
    const o = await orgWithOwner(t);
    const group = await o.group('All staff');
    const added = (await o.owner.agent.post(`${o.base}/domains`, { domain })).data;
    dns.setTxt(domain, [added.verificationRecord.value]);
    await o.owner.agent.post(`${o.base}/domains/${added.id}/verify`);
    await o.owner.agent.patch(`${o.base}/domains/${added.id}`, { policy: 'auto_join', groupIds: [group.id] });
    const suggestions = (await user.agent.get('/api/v1/me/join-suggestions')).data.items;
    expect(suggestions).toEqual([{ orgId: o.org.id, orgName: o.org.name, domain, policy: 'auto_join', requestPending: false }]);
    expect(await membership(t, o.org.id, user.id)).toBeNull(); // nobody is added without saying yes
    const res = expectStatus(await user.agent.post(`/api/v1/me/join-suggestions/${o.org.id}/join`), 200);
    expect(res.data).toEqual({ status: 'joined', orgId: o.org.id });
    expect(await inGroup(o.org.id, group.id, user.id)).toBe(true);
  });

  it('suggest: a person at the domain asks to join; the request waits with the address only; approval lets them in', async () => {
    const o = await orgWithDomain('suggest');
    const user = await signUp(t, { email: `cy-${uid()}@${o.domain}`, name: 'Cyrielle Secret' });
    expect(await membership(t, o.org.id, user.id)).toBeNull();
    const [s] = (await user.agent.get('/api/v1/me/join-suggestions')).data.items;
    expect(s).toMatchObject({ orgId: o.org.id, policy: 'suggest', requestPending: false });
    const asked = expectStatus(await user.agent.post(`/api/v1/me/join-suggestions/${o.org.id}/join`), 200);
    expect(asked.data).toEqual({ status: 'pending_approval', orgId: o.org.id });
    expect((await user.agent.get('/api/v1/me/join-suggestions')).data.items[0].requestPending).toBe(true);
    // Asking twice keeps one request.
    await user.agent.post(`/api/v1/me/join-suggestions/${o.org.id}/join`);
    const list = await pending(o);
    expect(list.counts.pending).toBe(1);
    expect(list.items).toHaveLength(1);
    const item = list.items[0];
    expect(Object.keys(item).sort()).toEqual(['createdAt', 'decidedAt', 'email', 'groupId', 'id', 'locationId', 'source', 'status']);
    expect(item).toMatchObject({ email: user.email, source: 'domain', status: 'pending', groupId: null });
    expect(JSON.stringify(list)).not.toContain('Cyrielle');
    // Not a member yet: the members list does not show them.
    const members = (await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(user.email)}`)).data.items;
    expect(members).toEqual([]);

    const ok = expectStatus(await o.owner.agent.post(`${o.base}/join-requests/${item.id}/approve`), 200);
    expect(ok.data).toEqual({ id: item.id, status: 'approved' });
    expect(await membership(t, o.org.id, user.id)).toMatchObject({ role: 'learner', status: 'active' });
    expect(await inGroup(o.org.id, o.group.id, user.id)).toBe(true);
    const mail = await lastMail(t, user.email);
    expect(mail?.subject).toContain('approved');
    expect(mail?.text).toContain(o.group.name);
    expect((await o.owner.agent.post(`${o.base}/join-requests/${item.id}/approve`)).statusCode).toBe(409);
    expect((await o.owner.agent.post(`${o.base}/join-requests/${item.id}/reject`)).data.error.code).toBe('join_request_decided');
  });

  it('nothing is suggested to an unverified address, to another organization, or for the policy none', async () => {
    const o = await orgWithDomain('suggest');
    const unverified = await signUp(t, { email: `unverified-${uid()}@${o.domain}` });
    await t.ctx.db.execute(sql`UPDATE accounts SET verified_at = NULL WHERE id = ${unverified.id}`);
    expect((await unverified.agent.get('/api/v1/me/join-suggestions')).data.items).toEqual([]);
    expect((await unverified.agent.post(`/api/v1/me/join-suggestions/${o.org.id}/join`)).statusCode).toBe(404);
    const other = await orgWithOwner(t);
    const user = await signUp(t, { email: `dee-${uid()}@${o.domain}` });
    expect((await user.agent.post(`/api/v1/me/join-suggestions/${other.org.id}/join`)).statusCode).toBe(404);
  });
});

describe('join page that requires approval', () => {
  async function pageWithApproval() {
    const o = await orgWithOwner(t);
    const group = await o.group(`Sales ${uid()}`);
    const other = await o.group(`Support ${uid()}`);
    const location = expectStatus(await o.owner.agent.post(`${o.base}/locations`, { name: `Lyon ${uid()}` }), 201).data;
    const slug = `acme-${uid()}`;
    const saved = expectStatus(
      await o.owner.agent.put(`${o.base}/join-page`, {
        enabled: true,
        slug,
        groupIds: [group.id, other.id],
        locationIds: [location.id],
        requireApproval: true,
      }),
      200,
    ).data;
    expect(saved.requireApproval).toBe(true);
    return { ...o, group, other, location, slug };
  }

  it('a visitor who verifies gets pending_approval, then joins the group they chose once approved', async () => {
    const o = await pageWithApproval();
    const email = `vis-${uid()}@example.com`;
    const anon = new Agent(t.app);
    expectStatus(await anon.post(`/api/v1/join/${o.slug}`, { email, groupId: o.group.id, locationId: o.location.id }), 202);
    const mail = await lastMail(t, email);
    const reg = expectStatus(
      await anon.post(`/api/v1/join/${o.slug}/verify/${mail!.token}/register`, { name: 'Vi Sitor', password: PASSWORD }),
      201,
    );
    expect(reg.data).toMatchObject({ status: 'pending_approval', orgId: o.org.id, groupId: o.group.id });
    const me = (await anon.get('/api/v1/me')).data;
    expect(me.memberships ?? []).toEqual([]);
    const list = await pending(o);
    expect(list.items[0]).toMatchObject({ email, groupId: o.group.id, locationId: o.location.id, source: 'join_page' });
    expect(JSON.stringify(list)).not.toContain('Vi Sitor');
    expectStatus(await o.owner.agent.post(`${o.base}/join-requests/${list.items[0].id}/approve`), 200);
    expect(await inGroup(o.org.id, o.group.id, me.id ?? me.account.id)).toBe(true);
    expect(await inGroup(o.org.id, o.other.id, me.id ?? me.account.id)).toBe(false);
  });

  it('an existing account that accepts the link waits for approval too, and a rejection is emailed', async () => {
    const o = await pageWithApproval();
    const user = await signUp(t);
    await new Agent(t.app).post(`/api/v1/join/${o.slug}`, { email: user.email, groupId: o.other.id });
    const mail = await lastMail(t, user.email);
    const res = expectStatus(await user.agent.post(`/api/v1/join/${o.slug}/verify/${mail!.token}/accept`), 200);
    expect(res.data.status).toBe('pending_approval');
    expect(await membership(t, o.org.id, user.id)).toBeNull();
    const [item] = (await pending(o)).items;
    expectStatus(await o.owner.agent.post(`${o.base}/join-requests/${item.id}/reject`), 200);
    expect(await membership(t, o.org.id, user.id)).toBeNull();
    const rejected = await lastMail(t, user.email);
    expect(rejected?.subject).toContain(o.org.name);
    expect(rejected?.text).toContain('declined');
    const all = expectStatus(await o.owner.agent.get(`${o.base}/join-requests`), 200).data;
    expect(all.counts).toEqual({ pending: 0, approved: 0, rejected: 1 });
  });
});

describe('deciding', () => {
  it('approves in bulk in one go, skipping what is decided or unknown; each person is emailed in their language', async () => {
    const o = await orgWithDomain('suggest');
    const users = await Promise.all([0, 1, 2].map(() => signUp(t, { email: `bulk-${uid()}@${o.domain}` })));
    await t.ctx.db.execute(sql`UPDATE accounts SET locale = 'fr' WHERE id = ${users[2]!.id}`);
    for (const u of users) expectStatus(await u.agent.post(`/api/v1/me/join-suggestions/${o.org.id}/join`), 200);
    const items: { id: string; email: string }[] = (await pending(o)).items;
    expect(items).toHaveLength(3);
    // users[2] (reading French) is rejected first; the bulk approval then skips that request.
    const byEmail = new Map(items.map((i) => [i.email, i.id]));
    const ids = [users[2]!, users[0]!, users[1]!].map((u) => byEmail.get(u.email)!);
    expectStatus(await o.owner.agent.post(`${o.base}/join-requests/${ids[0]}/reject`), 200);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = expectStatus(await o.owner.agent.post(`${o.base}/join-requests/approve`, { requestIds: [...ids, unknown] }), 200);
    expect(res.data.decided.sort()).toEqual(ids.slice(1).sort());
    expect(res.data.skipped).toEqual(
      expect.arrayContaining([
        { id: ids[0], reason: 'already_decided' },
        { id: unknown, reason: 'not_found' },
      ]),
    );
    const approvedIds = new Set(res.data.decided);
    for (const u of users) {
      const m = await membership(t, o.org.id, u.id);
      const req = (await o.owner.agent.get(`${o.base}/join-requests`)).data.items.find((i: { email: string }) => i.email === u.email);
      expect(Boolean(m), u.email).toBe(approvedIds.has(req.id));
    }
    const fr = await lastMail(t, users[2]!.email);
    expect(fr?.subject).toMatch(/^Votre demande pour rejoindre/);
    expect((await lastMail(t, users[0]!.email))?.subject).toMatch(/approved/);
    // Another organization's requests are not found.
    const other = await orgWithOwner(t);
    const cross = await other.owner.agent.post(`${other.base}/join-requests/${ids[1]}/approve`);
    expect(cross.statusCode).toBe(404);
  });

  it('a limited manager sees the requests of the groups they observe only, and cannot decide', async () => {
    const o = await orgWithOwner(t);
    const mine = await o.group(`Mine ${uid()}`);
    const theirs = await o.group(`Theirs ${uid()}`);
    const slug = `scope-${uid()}`;
    expectStatus(
      await o.owner.agent.put(`${o.base}/join-page`, { enabled: true, slug, groupIds: [mine.id, theirs.id], requireApproval: true }),
      200,
    );
    for (const g of [mine, theirs]) {
      const u = await signUp(t);
      await new Agent(t.app).post(`/api/v1/join/${slug}`, { email: u.email, groupId: g.id });
      const mail = await lastMail(t, u.email);
      expectStatus(await u.agent.post(`/api/v1/join/${slug}/verify/${mail!.token}/accept`), 200);
    }
    const limited = await addMember(t, o.org.id, 'manager_limited');
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${mine.id}/observers`, { accountIds: [limited.id] }), 200);
    const seen = expectStatus(await limited.agent.get(`${o.base}/join-requests`), 200).data;
    expect(seen.items.map((i: { groupId: string }) => i.groupId)).toEqual([mine.id]);
    expect(seen.counts.pending).toBe(1);
    expect((await limited.agent.post(`${o.base}/join-requests/${seen.items[0].id}/approve`)).statusCode).toBe(403);
    expect((await o.owner.agent.get(`${o.base}/join-requests`)).data.items).toHaveLength(2);
    const learner = await addMember(t, o.org.id, 'learner');
    expect((await learner.agent.get(`${o.base}/join-requests`)).statusCode).toBe(403);
  });
});

describe('abuse', () => {
  it('limits requests per address and per IP', async () => {
    const app = await createTestApp({ env: { DNS_SERVERS: dns.address }, rateLimitMax: 3 });
    try {
      const o = await orgWithDomain('suggest', app);
      const user = await signUp(app, { email: `flood-${uid()}@${o.domain}` });
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await user.agent.post(`/api/v1/me/join-suggestions/${o.org.id}/join`)).statusCode);
      expect(codes.slice(0, 3)).toEqual([200, 200, 200]);
      expect(codes.slice(3)).toEqual([429, 429]);
      const res = await user.agent.post(`/api/v1/me/join-suggestions/${o.org.id}/join`);
      expect(res.headers['retry-after']).toBeDefined();
      const [row] = await queryRows<{ n: number }>(
        app.ctx.db,
        sql`SELECT count(*)::int AS n FROM join_requests WHERE org_id = ${o.org.id}`,
      );
      expect(row?.n).toBe(1);
    } finally {
      await app.close();
    }
  });
});
