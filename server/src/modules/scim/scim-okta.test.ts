import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';
import { expectScimError, GROUP, PATCH_OP, scimOrg, USER } from './scim.fixtures.js';

// An Okta provisioning cycle, with the bodies Okta sends (application/json, whole-user PUTs, no DELETE).

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const oktaUser = (email: string, o: Record<string, unknown> = {}) => ({
  schemas: [USER],
  userName: email,
  name: { givenName: 'Grace', familyName: 'Hopper' },
  emails: [{ primary: true, value: email, type: 'work' }],
  displayName: 'Grace Hopper',
  locale: 'en-US',
  externalId: `00u${uid()}`,
  groups: [],
  active: true,
  ...o,
});

describe('Okta cycle', () => {
  it('creates with a password, pages through 250 users, updates with PUT, deactivates with PATCH, pushes groups', async () => {
    const o = await scimOrg(t, { accountMode: 'sso' });
    const c = o.okta;
    // Create with a password: the managed account can sign in with it; the password is never returned.
    const email = `grace.${uid()}@okta.example`;
    expect((await c.get(`/Users?filter=userName%20eq%20%22${encodeURIComponent(email)}%22&startIndex=1&count=100`)).data.totalResults).toBe(
      0,
    );
    const created = await c.post('/Users', { ...oktaUser(email), password: 'cobol-is-forever-1959' });
    expect(created.statusCode, created.body).toBe(201);
    expect(JSON.stringify(created.data)).not.toContain('cobol');
    const id = created.data.id as string;
    const login = await new Agent(t.app).post('/api/v1/auth/login', { email, password: 'cobol-is-forever-1959' });
    expect(login.statusCode).toBe(200);

    // 250 users, paged 100 at a time: integer totals, stable order, every user once.
    for (let i = 0; i < 249; i++) expect((await c.post('/Users', oktaUser(`p${i}.${uid()}@okta.example`))).statusCode).toBe(201);
    const seen: string[] = [];
    for (let start = 1; start <= 250; start += 100) {
      const page = await c.get(`/Users?count=100&startIndex=${start}`);
      expect(page.statusCode).toBe(200);
      expect(page.data).toMatchObject({ totalResults: 250, startIndex: start, itemsPerPage: Math.min(100, 251 - start) });
      expect(typeof page.data.totalResults).toBe('number');
      seen.push(...page.data.Resources.map((r: { id: string }) => r.id));
    }
    expect(new Set(seen).size).toBe(250);
    expect(seen[0]).toBe(id);
    const again = await c.get('/Users?count=100&startIndex=101');
    expect(again.data.Resources.map((r: { id: string }) => r.id)).toEqual(seen.slice(100, 200));

    // PUT with the whole user.
    const put = await c.put(`/Users/${id}`, {
      ...oktaUser(email),
      id,
      name: { givenName: 'Grace B.', familyName: 'Hopper' },
      displayName: 'Grace B. Hopper',
      title: 'Rear Admiral',
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.data).toMatchObject({ name: { givenName: 'Grace B.' }, title: 'Rear Admiral', active: true });
    // PATCH deactivate without a path: the membership is archived and the managed account is signed out.
    const off = await c.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.data.active).toBe(false);
    const sessions = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`SELECT count(*)::int AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email_key = ${email.toLowerCase()}`,
    );
    expect(sessions[0]?.n).toBe(0);
    // Wizard-built apps deactivate with a PUT of active:false; reactivate the same way.
    const back = await c.put(`/Users/${id}`, { ...oktaUser(email), active: true });
    expect(back.data.active).toBe(true);
    const off2 = await c.put(`/Users/${id}`, { ...oktaUser(email), active: false });
    expect(off2.data.active).toBe(false);
    const status = await queryRows<{ status: string }>(
      t.ctx.db,
      sql`SELECT m.status FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.org_id = ${o.org.id} AND a.email_key = ${email.toLowerCase()}`,
    );
    expect(status[0]?.status).toBe('archived');
    // A non-UUID id is a 404, never a 400 or 500.
    expectScimError(await c.get('/Users/00919288221112222'), 404);
    expectScimError(
      await c.patch('/Users/00919288221112222', { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] }),
      404,
    );

    // Group push: create, rename with replace of displayName, members added and removed in one request.
    const [a, b, d] = seen.slice(1, 4) as [string, string, string];
    const g = await c.post('/Groups', { schemas: [GROUP], displayName: `Okta ${uid()}`, members: [{ value: a }, { value: b }] });
    expect(g.statusCode, g.body).toBe(201);
    const gid = g.data.id as string;
    const renamed = `Renamed ${uid()}`;
    const r1 = await c.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { id: gid, displayName: renamed } }],
    });
    expect(r1.statusCode, r1.body).toBe(204);
    const r2 = await c.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'remove', path: `members[value eq "${a}"]` },
        { op: 'add', path: 'members', value: [{ value: d, display: 'd' }] },
      ],
    });
    expect(r2.statusCode, r2.body).toBe(204);
    const got = await c.get(`/Groups/${gid}`);
    expect(got.data.displayName).toBe(renamed);
    expect(got.data.members.map((m: { value: string }) => m.value).sort()).toEqual([b, d].sort());
    const troupe = (await o.owner.agent.get(`${o.base}/groups`)).data.items.find((x: { name: string }) => x.name === renamed);
    const members = (await o.owner.agent.get(`${o.base}/groups/${troupe.id}/members`)).data.items as unknown[];
    expect(members).toHaveLength(2);
    // PUT of the group replaces its members.
    const put2 = await c.put(`/Groups/${gid}`, { schemas: [GROUP], displayName: renamed, members: [{ value: a }] });
    expect(put2.statusCode, put2.body).toBe(200);
    expect(put2.data.members.map((m: { value: string }) => m.value)).toEqual([a]);
  });
});
