import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail, signUp } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';
import { drainUntil, startReceiver } from '../../../test/webhook-receiver.js';
import { ENTRA_TYPE, expectScimError, GROUP, PATCH_OP, scimClient, scimOrg, USER } from './scim.fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.ctx.config.webhooks.allowPrivate = true;
});
afterAll(() => t.close());

const newUser = (email: string, o: Record<string, unknown> = {}) => ({ schemas: [USER], userName: email, active: true, ...o });
const countRows = async (table: 'scim_users' | 'accounts' | 'groups', orgId?: string) =>
  (
    await queryRows<{ n: number }>(
      t.ctx.db,
      table === 'accounts'
        ? sql`SELECT count(*)::int AS n FROM accounts`
        : sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE org_id = ${orgId}`,
    )
  )[0]?.n;

describe('SCIM tokens and settings', () => {
  it('shows the token once, refuses it when revoked, rotated, or when SCIM is off, and never lets another organization in', async () => {
    const o = await scimOrg(t);
    const list = expectStatus(await o.owner.agent.get(`${o.base}/scim/tokens`), 200).data.items;
    expect(list).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(o.token);
    expect(o.token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect((await o.entra.get('/Users')).statusCode).toBe(200);
    expect(expectStatus(await o.owner.agent.get(`${o.base}/scim/tokens`), 200).data.items[0].lastUsedAt).not.toBeNull();
    const settings = expectStatus(await o.owner.agent.get(`${o.base}/scim/settings`), 200).data;
    expect(settings).toMatchObject({ enabled: true, baseUrl: 'http://troupe.test/scim/v2' });
    // Rotate: the new token works, the old one is refused.
    const rotated = expectStatus(await o.owner.agent.post(`${o.base}/scim/tokens/${o.tokenId}/rotate`, {}), 201).data;
    expectScimError(await o.entra.get('/Users'), 401);
    const fresh = scimClient(t, rotated.token, ENTRA_TYPE);
    expect((await fresh.get('/Users')).statusCode).toBe(200);
    // Off: 403; on again: fine. Revoked: 401.
    expectStatus(await o.owner.agent.patch(`${o.base}/scim/settings`, { enabled: false }), 200);
    expectScimError(await fresh.get('/Users'), 403);
    expectStatus(await o.owner.agent.patch(`${o.base}/scim/settings`, { enabled: true }), 200);
    expectStatus(await o.owner.agent.delete(`${o.base}/scim/tokens/${rotated.id}`), 204);
    expectScimError(await fresh.get('/Users'), 401);
    expectScimError(await scimClient(t, 'trp_nope', ENTRA_TYPE).get('/Users'), 401);
    // Another organization's admin cannot see or revoke these tokens.
    const other = await orgWithOwner(t);
    expect((await other.owner.agent.get(`${o.base}/scim/tokens`)).statusCode).toBe(404);
    expect((await other.owner.agent.delete(`${other.base}/scim/tokens/${o.tokenId}`)).statusCode).toBe(404);
  });
});

describe('SCIM across organizations', () => {
  it("answers 404 for another organization's users and groups, and filters never show them", async () => {
    const a = await scimOrg(t);
    const b = await scimOrg(t);
    const email = `shared.${uid()}@example.com`;
    const ua = expectStatus(await a.entra.post('/Users', newUser(email)), 201).data;
    const ga = expectStatus(await a.entra.post('/Groups', { schemas: [GROUP], displayName: `A ${uid()}` }), 201).data;
    expectScimError(await b.entra.get(`/Users/${ua.id}`), 404);
    expectScimError(
      await b.entra.patch(`/Users/${ua.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }),
      404,
    );
    expectScimError(await b.entra.put(`/Users/${ua.id}`, newUser(email)), 404);
    expectScimError(await b.entra.delete(`/Users/${ua.id}`), 404);
    expectScimError(await b.entra.get(`/Groups/${ga.id}`), 404);
    expectScimError(await b.entra.delete(`/Groups/${ga.id}`), 404);
    expect((await b.entra.get(`/Users?filter=userName+eq+%22${encodeURIComponent(email)}%22`)).data.totalResults).toBe(0);
    expect((await b.entra.get(`/Users?filter=id+eq+%22${ua.id}%22`)).data.totalResults).toBe(0);
    // B cannot put A's user in its group.
    const gb = expectStatus(await b.entra.post('/Groups', { schemas: [GROUP], displayName: `B ${uid()}` }), 201).data;
    expectScimError(
      await b.entra.patch(`/Groups/${gb.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Add', path: 'members', value: [{ value: ua.id }] }],
      }),
      400,
      'invalidValue',
    );
  });

  it('provisions an address that has an account only through an invitation, and never changes what the person or the other organization wrote', async () => {
    const a = await scimOrg(t);
    const b = await scimOrg(t);
    // A person with an account of their own.
    const person = await signUp(t, { name: 'Own Name' });
    const created = await b.entra.post('/Users', newUser(person.email, { displayName: 'IdP Name', password: 'not-their-password-1' }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.data.active).toBe(true); // as the IdP asked
    // Pending: an invitation was sent, no membership yet; the account is untouched.
    const mail = await lastMail(t, person.email);
    expect(mail?.link).toContain('/invitations/');
    const members = (await b.owner.agent.get(`${b.base}/members?q=${encodeURIComponent(person.email)}`)).data.items as { status: string }[];
    expect(members.map((m) => m.status)).toEqual(['pending']);
    // A SCIM group while pending; once the person accepts, they are linked and in the group.
    const g = expectStatus(
      await b.entra.post('/Groups', { schemas: [GROUP], displayName: `Pending ${uid()}`, members: [{ value: created.data.id }] }),
      201,
    ).data;
    expectStatus(await person.agent.post(`/api/v1/invitations/${mail?.token}/accept`, {}), 200);
    expect((await b.entra.get(`/Users/${created.data.id}`)).data.active).toBe(true);
    const troupe = (await b.owner.agent.get(`${b.base}/groups`)).data.items.find((x: { name: string }) => x.name === g.displayName);
    const inGroup = (await b.owner.agent.get(`${b.base}/groups/${troupe.id}/members`)).data.items as { accountId?: string; id?: string }[];
    expect(inGroup.map((m) => m.accountId ?? m.id)).toEqual([person.id]);
    // Deactivated by B: archived in B, but the person's own account keeps its sessions.
    await b.entra.patch(`/Users/${created.data.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect((await person.agent.get('/api/v1/me')).statusCode).toBe(200);
    const acc = (await queryRows<{ name: string }>(t.ctx.db, sql`SELECT name FROM accounts WHERE id = ${person.id}`))[0];
    expect(acc?.name).toBe('Own Name');
    expect((await person.agent.post('/api/v1/auth/login', { email: person.email, password: 'not-their-password-1' })).statusCode).toBe(401);
    // A managed account of organization A, provisioned by B too: B gets an invitation, A's record stays.
    const email = `both.${uid()}@example.com`;
    expectStatus(await a.entra.post('/Users', newUser(email, { displayName: 'A wrote this' })), 201);
    const inB = expectStatus(await b.entra.post('/Users', newUser(email, { displayName: 'B wrote this' })), 201).data;
    await b.entra.patch(`/Users/${inB.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'B again' }],
    });
    const name = (await queryRows<{ name: string }>(t.ctx.db, sql`SELECT name FROM accounts WHERE email_key = ${email}`))[0]?.name;
    expect(name).toBe('A wrote this');
    // A 409 only for a userName of the same organization, never revealing other organizations.
    const dup = await b.entra.post('/Users', newUser(email.toUpperCase()));
    expectScimError(dup, 409, 'uniqueness');
    expect((await a.entra.get(`/Users?filter=userName+eq+%22${email}%22`)).data.Resources[0].displayName).toBe('A wrote this');
    // B deactivating its record leaves A's membership alone.
    await b.entra.patch(`/Users/${inB.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    const inA = await queryRows<{ status: string }>(
      t.ctx.db,
      sql`SELECT m.status FROM memberships m JOIN accounts ac ON ac.id = m.account_id WHERE m.org_id = ${a.org.id} AND ac.email_key = ${email}`,
    );
    expect(inA[0]?.status).toBe('active');
  });
});

describe('SCIM bad input', () => {
  it('answers SCIM errors with the right status, never a 5xx, and writes nothing', async () => {
    const o = await scimOrg(t);
    const c = o.entra;
    const tag = `bad-${uid()}`;
    expectScimError(await c.post('/Users', '{"schemas": [', {}), 400, 'invalidSyntax');
    expectScimError(await c.post('/Users', { schemas: ['urn:nope'], userName: `${tag}-${uid()}@example.com` }), 400, 'invalidSyntax');
    expectScimError(await c.post('/Users', { userName: `${tag}-${uid()}@example.com` }), 400, 'invalidSyntax');
    expectScimError(await c.post('/Users', newUser(`${tag}-${uid()}@example.com`, { favouriteColour: 'blue' })), 400, 'invalidValue');
    expectScimError(await c.post('/Users', newUser('not an address')), 400, 'invalidValue');
    expectScimError(await c.post('/Users', newUser(`${tag}-${uid()}@example.com`, { active: 'maybe' })), 400, 'invalidValue');
    expect(await countRows('scim_users', o.org.id)).toBe(0);
    const made = await queryRows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM accounts WHERE email_key LIKE ${`${tag}-%`}`);
    expect(made[0]?.n).toBe(0);
    const u = expectStatus(await c.post('/Users', newUser(`ok${uid()}@example.com`)), 201).data;
    const only = (await c.get(`/Users/${u.id}?attributes=userName`)).data;
    expect(Object.keys(only).sort()).toEqual(['id', 'meta', 'schemas', 'userName']);
    const without = (await c.get(`/Users?excludedAttributes=emails`)).data.Resources[0];
    expect(without).not.toHaveProperty('emails');
    expect(without).toHaveProperty('userName');
    // Unknown PATCH paths, ops, and bodies: nothing half-written (the first valid operation is not kept).
    const bad = await c.patch(`/Users/${u.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Half' },
        { op: 'Replace', path: 'shoeSize', value: 44 },
      ],
    });
    expectScimError(bad, 400, 'invalidPath');
    expect((await c.get(`/Users/${u.id}`)).data.displayName).toBeUndefined();
    expectScimError(
      await c.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Jump', path: 'active', value: true }] }),
      400,
      'invalidSyntax',
    );
    expectScimError(await c.patch(`/Users/${u.id}`, { Operations: [] }), 400, 'invalidSyntax');
    expectScimError(
      await c.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'id', value: 'x' }] }),
      400,
      'mutability',
    );
    expectScimError(
      await c.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'userName' }] }),
      400,
      'invalidValue',
    );
    // Filters: unsupported attribute or operator, malformed, too long.
    expectScimError(await c.get('/Users?filter=title+eq+%22x%22'), 400, 'invalidFilter');
    expectScimError(await c.get('/Users?filter=userName+sw+%22a%22'), 400, 'invalidFilter');
    expectScimError(await c.get('/Users?filter=not+(userName+eq+%22a%22)'), 400, 'invalidFilter');
    expectScimError(await c.get('/Users?filter=userName+eq'), 400, 'invalidFilter');
    expectScimError(await c.get(`/Users?filter=userName+eq+%22${'a'.repeat(1001)}%22`), 400, 'invalidFilter');
    expectScimError(await c.get('/Groups?filter=members.display+eq+%22x%22'), 400, 'invalidFilter');
    // count above the maximum, a non-number, a repeated parameter.
    expectScimError(await c.get('/Users?count=1001'), 400, 'invalidValue');
    expectScimError(await c.get('/Users?count=ten'), 400, 'invalidValue');
    expectScimError(await c.get('/Users?filter=a&filter=b'), 400, 'invalidValue');
    // If-Match with a stale version: 412; the right one passes.
    const stale = await c.patch(
      `/Users/${u.id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'x' }] },
      { 'if-match': 'W/"99"' },
    );
    expectScimError(stale, 412);
    const fine = await c.patch(
      `/Users/${u.id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'x' }] },
      { 'if-match': 'W/"1"' },
    );
    expect(fine.statusCode).toBe(200);
    expectScimError(await c.delete(`/Users/${u.id}`, { 'if-match': 'W/"1"' }), 412);
    // Wrong content type, unknown endpoint, NUL characters.
    expectScimError(await c.post('/Users', 'userName=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    expectScimError(await c.get('/Bulk'), 404);
    expectScimError(await c.post('/Users', newUser(`nul${uid()}@example.com`, { displayName: 'a\u0000b' })), 400, 'invalidValue');
    expectScimError(await c.post('/Groups', { schemas: [GROUP] }), 400, 'invalidValue');
    // A group whose member list fails after the group was made: the Troupe group is rolled back too.
    const groupsBefore = await countRows('groups', o.org.id);
    const half = await c.post('/Groups', {
      schemas: [GROUP],
      displayName: `Half ${uid()}`,
      members: [{ value: u.id }, { value: crypto.randomUUID() }],
    });
    expectScimError(half, 400, 'invalidValue');
    expect(await countRows('groups', o.org.id)).toBe(groupsBefore);
  });

  it('describes itself: ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const o = await scimOrg(t);
    const spc = await o.entra.get('/ServiceProviderConfig');
    expect(spc.data).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      etag: { supported: true },
    });
    const rt = await o.entra.get('/ResourceTypes');
    expect(rt.data.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    const s = await o.entra.get('/Schemas');
    expect(s.data.totalResults).toBe(3);
    const one = await o.entra.get(`/Schemas/${USER}`);
    expect(one.data.id).toBe(USER);
    expectScimError(await o.entra.get('/Schemas/urn:nope'), 404);
  });
});

describe('SCIM webhooks', () => {
  it('sends the member and group events of what the identity provider changed', async () => {
    const o = await scimOrg(t);
    const rx = await startReceiver();
    try {
      const events = [
        'member.joined',
        'member.updated',
        'member.archived',
        'member.restored',
        'group.member_added',
        'group.member_removed',
      ];
      expectStatus(await o.owner.agent.post(`${o.base}/webhooks`, { url: rx.url, events }), 201);
      const email = `hook.${uid()}@example.com`;
      const u = expectStatus(await o.entra.post('/Users', newUser(email)), 201).data;
      const g = expectStatus(
        await o.entra.post('/Groups', { schemas: [GROUP], displayName: `Hooks ${uid()}`, members: [{ value: u.id }] }),
        201,
      ).data;
      await o.entra.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'Chef' }] });
      await o.entra.patch(`/Groups/${g.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${u.id}"]` }] });
      await o.entra.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
      await o.entra.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
      await drainUntil(t.drain, () => rx.received.length >= 6);
      const types = rx.received.map((r) => (JSON.parse(r.body) as { type: string }).type);
      expect(types).toEqual([
        'member.joined',
        'group.member_added',
        'member.updated',
        'group.member_removed',
        'member.archived',
        'member.restored',
      ]);
    } finally {
      await rx.close();
    }
  });
});
