import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../../test/factories.js';
import { expectStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';
import { ENTERPRISE, expectScimError, GROUP, PATCH_OP, scimOrg, USER } from './scim.fixtures.js';

// An Entra ID provisioning cycle, with the bodies and headers Entra sends.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const memberStatus = async (orgId: string, email: string) =>
  (
    await queryRows<{ status: string; managed: boolean }>(
      t.ctx.db,
      sql`SELECT m.status, m.managed FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.org_id = ${orgId} AND a.email_key = ${email.toLowerCase()}`,
    )
  )[0];

describe('Microsoft Entra ID cycle', () => {
  it('tests the connection, creates, updates through every PATCH form, groups, disables with "False", re-enables, deletes', async () => {
    const o = await scimOrg(t);
    const c = o.entra;
    // Test connection: a random GUID as userName, spaces encoded as `+`: 200 with an empty list.
    const probe = await c.get(`/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`);
    expect(probe.statusCode).toBe(200);
    expect(probe.data).toMatchObject({ totalResults: 0, Resources: [] });
    // Lookup before create, then create.
    const email = `Ada.${uid()}@Contoso.example`;
    expect((await c.get(`/Users?filter=userName+eq+%22${encodeURIComponent(email)}%22`)).data.totalResults).toBe(0);
    const created = await c.post('/Users', {
      schemas: [USER, ENTERPRISE],
      externalId: 'ada-object-id',
      userName: email,
      active: true,
      displayName: 'Ada Lovelace',
      emails: [{ primary: true, type: 'work', value: email }],
      name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
      title: 'Analyst',
      [ENTERPRISE]: { department: 'Research', employeeNumber: '1815' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(String(created.headers['content-type'])).toContain('application/scim+json');
    const id = created.data.id as string;
    expect(created.headers.location).toBe(`http://troupe.test/scim/v2/Users/${id}`);
    expect(created.headers.etag).toBe('W/"1"');
    expect(created.data).toMatchObject({ userName: email, active: true, title: 'Analyst', [ENTERPRISE]: { department: 'Research' } });
    expect(created.data).not.toHaveProperty('password');
    // A managed account, with its set-password email; the SCIM id is not the account id.
    expect(await memberStatus(o.org.id, email)).toEqual({ status: 'active', managed: true });
    expect((await lastMail(t, email))?.link).toContain('/set-password');
    const account = (await queryRows<{ id: string }>(t.ctx.db, sql`SELECT id FROM accounts WHERE email_key = ${email.toLowerCase()}`))[0];
    expect(account?.id).not.toBe(id);
    // Filters are case-insensitive on userName.
    const found = await c.get(`/Users?filter=userName+eq+%22${encodeURIComponent(email.toUpperCase())}%22`);
    expect(found.data.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    // PATCH forms: capitalised ops, path-less Replace with dotted and URN-prefixed keys.
    const p1 = await c.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', value: { 'name.givenName': 'Augusta', displayName: 'Augusta Ada King', [`${ENTERPRISE}:department`]: 'Engines' } },
        { op: 'Add', path: `${ENTERPRISE}:costCenter`, value: 'CC-42' },
        { op: 'Replace', path: `${ENTERPRISE}:manager`, value: { value: 'babbage-id' } },
      ],
    });
    expect(p1.statusCode, p1.body).toBe(200);
    expect(p1.data).toMatchObject({
      name: { givenName: 'Augusta', familyName: 'Lovelace' },
      displayName: 'Augusta Ada King',
      [ENTERPRISE]: { department: 'Engines', costCenter: 'CC-42', manager: { value: 'babbage-id' }, employeeNumber: '1815' },
    });
    expect(p1.headers.etag).toBe('W/"2"');
    // The managed account takes the name.
    const named = await queryRows<{ name: string }>(t.ctx.db, sql`SELECT name FROM accounts WHERE id = ${account?.id}`);
    expect(named[0]?.name).toBe('Augusta Ada King');
    // Add / Replace on emails[type eq "work"].value update the one work email.
    const newEmail = `ada.king.${uid()}@contoso.example`;
    const p2 = await c.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: newEmail }],
    });
    expect(p2.statusCode, p2.body).toBe(200);
    expect(p2.data.emails).toEqual([{ primary: true, type: 'work', value: newEmail }]);
    const p3 = await c.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'emails[type eq "work"].value', value: email }],
    });
    expect(p3.data.emails).toEqual([{ primary: true, type: 'work', value: email }]);
    // Filter by the enterprise attribute and by externalId.
    const byExt = await c.get(
      `/Users?filter=externalId+eq+%22ada-object-id%22+and+${encodeURIComponent(`${ENTERPRISE}:department`)}+eq+%22Engines%22`,
    );
    expect(byExt.data.totalResults).toBe(1);

    // Groups: lookup by displayName with excludedAttributes=members, create with the ADSCIM schema and members.
    const name = `Sales ${uid()}`;
    const lookup = await c.get(`/Groups?excludedAttributes=members&filter=displayName+eq+%22${encodeURIComponent(name)}%22`);
    expect(lookup.data.totalResults).toBe(0);
    const bob = await c.post('/Users', { schemas: [USER], userName: `bob.${uid()}@contoso.example`, active: true, externalId: 'bob' });
    expect(bob.statusCode).toBe(201);
    const g = await c.post('/Groups', {
      schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: 'sales-object-id',
      displayName: name,
      members: [{ value: id }],
    });
    expect(g.statusCode, g.body).toBe(201);
    const gid = g.data.id as string;
    expect(g.data.members.map((m: { value: string }) => m.value)).toEqual([id]);
    // The Troupe group exists with the member; a program attached to it enrols them.
    const troupeGroups = expectStatus(await o.owner.agent.get(`${o.base}/groups`), 200).data.items as { id: string; name: string }[];
    const troupe = troupeGroups.find((x) => x.name === name);
    expect(troupe).toBeTruthy();
    const program = await o.program();
    const session = await o.session(program.id);
    await o.attach(troupe!.id, session.id);
    const enrolledBefore = await o.enrolments();
    expect([...enrolledBefore.keys()].some((k) => k.startsWith(`${account?.id}:`))).toBe(true);
    const listed = await c.get(`/Groups?excludedAttributes=members&filter=displayName+eq+%22${encodeURIComponent(name)}%22`);
    expect(listed.data.Resources).toHaveLength(1);
    expect(listed.data.Resources[0]).not.toHaveProperty('members');
    // Member add as [{value}], remove with a value list, and with members[value eq "id"].
    const add = await c.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: bob.data.id }] }],
    });
    expect(add.statusCode, add.body).toBe(204);
    expect((await c.get(`/Groups/${gid}`)).data.members).toHaveLength(2);
    const rm1 = await c.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: bob.data.id }] }],
    });
    expect(rm1.statusCode).toBe(204);
    const rm2 = await c.patch(`/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${id}"]` }] });
    expect(rm2.statusCode).toBe(204);
    expect((await c.get(`/Groups/${gid}`)).data.members).toEqual([]);
    // Leaving the group drops the not-started enrolment.
    expect([...(await o.enrolments()).keys()].some((k) => k.startsWith(`${account?.id}:`))).toBe(false);

    // Disable with the boolean as a string: the membership is archived, the id still answers.
    const off = await c.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.data.active).toBe(false);
    expect(await memberStatus(o.org.id, email)).toMatchObject({ status: 'archived' });
    const on = await c.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect(on.data.active).toBe(true);
    expect(await memberStatus(o.org.id, email)).toMatchObject({ status: 'active' });

    // Delete (weeks later): the membership and the organization's own account go; the id is gone for good.
    const del = await c.delete(`/Users/${id}`);
    expect(del.statusCode).toBe(204);
    expect(await memberStatus(o.org.id, email)).toBeUndefined();
    expectScimError(await c.get(`/Users/${id}`), 404);
    const again = await c.post('/Users', { schemas: [USER], userName: email, active: true });
    expect(again.statusCode).toBe(201);
    expect(again.data.id).not.toBe(id);

    // Every change is in the audit log with the token; the provisioning log has each request.
    const audit = (await o.owner.agent.get(`${o.base}/audit-events?limit=200`)).data.items as {
      action: string;
      data: { tokenId?: string };
    }[];
    const scimEvents = audit.filter((e) => e.action.startsWith('scim.user') || e.action.startsWith('scim.group'));
    expect(scimEvents.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'scim.user_created',
        'scim.user_updated',
        'scim.user_deactivated',
        'scim.user_activated',
        'scim.user_deleted',
        'scim.group_created',
        'scim.group_updated',
      ]),
    );
    expect(scimEvents.every((e) => e.data.tokenId === o.tokenId)).toBe(true);
    const log = expectStatus(await o.owner.agent.get(`${o.base}/scim/log?limit=100`), 200).data.items as {
      operation: string;
      status: number;
    }[];
    expect(log.length).toBeGreaterThan(15);
    expect(log.some((l) => l.operation === 'delete' && l.status === 204)).toBe(true);
  });
});
