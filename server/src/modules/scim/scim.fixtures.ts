import { expect } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import type { TestApp } from '../../../test/harness.js';

// Test helpers: an organization with SCIM turned on and a client that sends what the identity
// providers send (Entra: application/scim+json; charset=utf-8; Okta: application/json).

export const ENTRA_TYPE = 'application/scim+json; charset=utf-8';
export const OKTA_TYPE = 'application/json';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function scimClient(t: TestApp, token: string, contentType: string) {
  const request = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url: `/scim/v2${url}`,
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }), ...headers },
    });
    // biome-ignore lint/suspicious/noExplicitAny: a test reads JSON payloads loosely and checks them with expect
    let data: any;
    try {
      data = res.body ? res.json() : undefined;
    } catch {
      data = undefined;
    }
    return Object.assign(res, { data });
  };
  return {
    get: (url: string, headers?: Record<string, string>) => request('GET', url, undefined, headers),
    post: (url: string, body: unknown, headers?: Record<string, string>) => request('POST', url, body, headers),
    put: (url: string, body: unknown, headers?: Record<string, string>) => request('PUT', url, body, headers),
    patch: (url: string, body: unknown, headers?: Record<string, string>) => request('PATCH', url, body, headers),
    delete: (url: string, headers?: Record<string, string>) => request('DELETE', url, undefined, headers),
  };
}
export type ScimClient = ReturnType<typeof scimClient>;

/** An organization with SCIM on (`settings` as given) and a token. */
export async function scimOrg(t: TestApp, settings: Record<string, unknown> = {}) {
  const o = await orgWithOwner(t);
  expectStatus(await o.owner.agent.patch(`${o.base}/scim/settings`, { enabled: true, ...settings }), 200);
  const created = expectStatus(await o.owner.agent.post(`${o.base}/scim/tokens`, { name: 'IdP' }), 201).data as {
    id: string;
    token: string;
  };
  return {
    ...o,
    token: created.token,
    tokenId: created.id,
    entra: scimClient(t, created.token, ENTRA_TYPE),
    okta: scimClient(t, created.token, OKTA_TYPE),
  };
}

/** Checks a SCIM error: status (as a string in the body), scimType, the error schema. */
export function expectScimError(
  res: { statusCode: number; data: unknown; headers: Record<string, unknown> },
  status: number,
  scimType?: string,
) {
  expect(res.statusCode, JSON.stringify(res.data)).toBe(status);
  expect(res.data).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status) });
  if (scimType) expect((res.data as { scimType?: string }).scimType).toBe(scimType);
  expect(String(res.headers['content-type'])).toContain('application/scim+json');
}
