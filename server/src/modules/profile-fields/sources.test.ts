import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient } from '../../../test/api-key-client.js';
import { expectStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';
import { ENTERPRISE, PATCH_OP, scimOrg, USER } from '../scim/scim.fixtures.js';

// Rules follow values written by other systems: SCIM's enterprise extension and the people API.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Org = Awaited<ReturnType<typeof scimOrg>>;
const inGroup = async (groupId: string, email: string) =>
  (
    await queryRows<{ n: number }>(
      t.ctx.db,
      sql`SELECT count(*)::int AS n FROM group_members gm JOIN accounts a ON a.id = gm.account_id WHERE gm.group_id = ${groupId} AND a.email_key = ${email.toLowerCase()}`,
    )
  )[0]?.n === 1;

async function twoRuleGroups(o: Org) {
  expectStatus(
    await o.owner.agent.post(`${o.base}/profile-fields`, {
      key: 'department',
      label: { en: 'Department' },
      type: 'choice',
      options: ['Sales', 'Support'],
    }),
    201,
  );
  const sales = await o.group('Sales');
  const support = await o.group('Support');
  for (const [g, v] of [
    [sales, 'Sales'],
    [support, 'Support'],
  ] as const)
    expectStatus(
      await o.owner.agent.put(`${o.base}/groups/${g.id}/rule`, { match: 'all', conditions: [{ field: 'department', op: 'eq', value: v }] }),
      200,
    );
  return { sales, support };
}

describe('rules and other systems', () => {
  it('SCIM: the enterprise department fills the profile field; a PATCH moves the person between rule groups', async () => {
    const o = await scimOrg(t, { accountMode: 'sso' });
    const { sales, support } = await twoRuleGroups(o);
    const email = `ada.${uid()}@example.com`;
    const created = await o.entra.post('/Users', {
      schemas: [USER, ENTERPRISE],
      userName: email,
      active: true,
      emails: [{ primary: true, value: email }],
      [ENTERPRISE]: { department: 'Sales', costCenter: 'CC-1' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await inGroup(sales.id, email)).toBe(true);
    const patched = await o.entra.patch(`/Users/${created.data.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Support' }],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await inGroup(sales.id, email)).toBe(false);
    expect(await inGroup(support.id, email)).toBe(true);
    // A department that is not an option is skipped (the identity provider is not refused).
    const odd = await o.entra.patch(`/Users/${created.data.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Legal' }],
    });
    expect(odd.statusCode).toBe(200);
  });

  it('people API: fields in the body set values and move the person between rule groups', async () => {
    const o = await scimOrg(t);
    const { sales, support } = await twoRuleGroups(o);
    const hr = keyClient(
      t,
      expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: 'HR', scopes: ['members:write'] }), 201).data.secret,
    );
    const email = `bo.${uid()}@example.com`;
    const body = { email, name: 'Bo', mode: 'create', fields: { department: 'Sales' } };
    const first = expectStatus(await hr.put(`${o.base}/people/HR-9`, body), 201).data;
    expect(await inGroup(sales.id, email)).toBe(true);
    expectStatus(await hr.put(`${o.base}/people/HR-9`, { ...body, fields: { department: 'Support' } }), 200);
    expect(await inGroup(sales.id, email)).toBe(false);
    expect(await inGroup(support.id, email)).toBe(true);
    const member = expectStatus(await o.owner.agent.get(`${o.base}/members/${first.accountId}`), 200).data;
    expect(member).toMatchObject({ source: 'api', fields: { department: 'Support' } });
    // An unknown option is refused with a suggestion.
    const bad = await hr.put(`${o.base}/people/HR-9`, { ...body, fields: { department: 'Suport' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.message).toContain('Did you mean “Support”?');
    // A rule on the built-in source field sees people the API made.
    const api = await o.group('From the API');
    expectStatus(
      await o.owner.agent.put(`${o.base}/groups/${api.id}/rule`, {
        match: 'all',
        conditions: [{ field: 'source', op: 'eq', value: 'api' }],
      }),
      200,
    );
    expect(await inGroup(api.id, email)).toBe(true);
  });
});
