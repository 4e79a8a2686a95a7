import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostileString, hostileValue } from '../../../test/fuzz-arbitraries.js';
import { expectStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { ENTERPRISE, GROUP, PATCH_OP, scimOrg, USER } from './scim.fixtures.js';

// Random and hostile SCIM requests (bodies, PATCH operations, filters, paging): never a 5xx, always a
// SCIM error or a success, and the server stays healthy.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const path = fc.oneof(
  fc.constantFrom(
    'active',
    'userName',
    'displayName',
    'name.givenName',
    'emails[type eq "work"].value',
    'emails[type eq "home"]',
    `${ENTERPRISE}:department`,
    `${ENTERPRISE}:manager`,
    'members',
    'members[value eq "x"]',
    'id',
    'meta.created',
    'emails[',
    'a.b.c',
    'urn:x:y',
  ),
  hostileString,
);
const op = fc.record(
  { op: fc.oneof(fc.constantFrom('add', 'Replace', 'REMOVE', 'move'), hostileString), path, value: hostileValue },
  { requiredKeys: ['op'] },
);
const patchBody = fc.oneof(fc.record({ schemas: fc.constant([PATCH_OP]), Operations: fc.array(op, { maxLength: 4 }) }), hostileValue);
const userBody = fc.oneof(
  fc.record(
    {
      schemas: fc.oneof(fc.constant([USER]), fc.constant([USER, ENTERPRISE]), hostileValue),
      userName: fc.oneof(fc.emailAddress(), hostileString),
      emails: fc.oneof(fc.constant([{ value: 'x@example.com', primary: true }]), hostileValue),
      active: fc.oneof(fc.boolean(), fc.constantFrom('True', 'false', 'nope'), hostileValue),
      name: hostileValue,
      [ENTERPRISE]: hostileValue,
      password: hostileValue,
    },
    { requiredKeys: [] },
  ),
  hostileValue,
);
const query = fc.record(
  {
    filter: fc.oneof(fc.constantFrom('userName eq "a"', 'x eq 1', 'userName eq', '((('), hostileString),
    startIndex: hostileString,
    count: hostileString,
  },
  { requiredKeys: [] },
);

it('never answers a 5xx to random SCIM requests, and answers errors in the SCIM format', async () => {
  const o = await scimOrg(t);
  const user = expectStatus(await o.entra.post('/Users', { schemas: [USER], userName: `fuzz.${uid()}@example.com` }), 201).data;
  const group = expectStatus(await o.entra.post('/Groups', { schemas: [GROUP], displayName: `Fuzz ${uid()}` }), 201).data;
  const bad: string[] = [];
  const check = (what: string, res: { statusCode: number; data: unknown; body: string }) => {
    if (res.statusCode >= 500) bad.push(`${what} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    else if (
      res.statusCode >= 400 &&
      (res.data as { schemas?: string[] } | undefined)?.schemas?.[0] !== 'urn:ietf:params:scim:api:messages:2.0:Error'
    )
      bad.push(`${what} → ${res.statusCode} not a SCIM error: ${res.body.slice(0, 200)}`);
  };
  await fc.assert(
    fc.asyncProperty(patchBody, userBody, query, async (patch, body, q) => {
      check(`PATCH user ${JSON.stringify(patch)}`, await o.entra.patch(`/Users/${user.id}`, patch));
      check(`PATCH group ${JSON.stringify(patch)}`, await o.okta.patch(`/Groups/${group.id}`, patch));
      check(`POST user ${JSON.stringify(body)}`, await o.entra.post('/Users', body));
      check(`PUT user ${JSON.stringify(body)}`, await o.okta.put(`/Users/${user.id}`, body));
      const qs = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
      check(`GET ?${qs}`, await o.entra.get(`/Users?${qs}`));
    }),
    { numRuns: 60, seed: 20261202 },
  );
  expect(bad).toEqual([]);
  expect((await t.app.inject('/healthz')).statusCode).toBe(200);
});
