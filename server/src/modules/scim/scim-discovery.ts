import { MAX_FILTER_LENGTH } from './scim-filter.js';
import { MAX_OPERATIONS } from './scim-patch.js';
import { ENTERPRISE_SCHEMA, LIST_SCHEMA, USER_SCHEMA } from './scim-users.model.js';

// ServiceProviderConfig, ResourceTypes and Schemas (RFC 7643 §5–7, RFC 7644 §4): what Troupe
// supports, truthfully (no bulk, no sorting, no password change; filters eq/and/or on listed attributes).

export const MAX_RESULTS = 1000;
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RT_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SPC_SCHEMA],
    documentationUri: `${baseUrl.replace(/\/scim\/v2$/, '')}/api/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A token from Settings → Provisioning (SCIM), sent as Authorization: Bearer scim_…',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
    // Not part of the RFC: limits a client may want to know.
    'urn:troupe:scim:limits': { maxFilterLength: MAX_FILTER_LENGTH, maxPatchOperations: MAX_OPERATIONS },
  };
}

export function resourceTypes(baseUrl: string) {
  return [
    {
      schemas: [RT_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A person of the organization',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [RT_SCHEMA],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A Troupe group: its members follow its programs',
      schema: GROUP_SCHEMA,
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

type Attr = Record<string, unknown>;
const attr = (
  name: string,
  o: Partial<{
    type: string;
    multiValued: boolean;
    required: boolean;
    mutability: string;
    returned: string;
    uniqueness: string;
    caseExact: boolean;
    subAttributes: Attr[];
    description: string;
  }> = {},
): Attr => ({
  name,
  type: o.type ?? 'string',
  multiValued: o.multiValued ?? false,
  description: o.description ?? name,
  required: o.required ?? false,
  caseExact: o.caseExact ?? false,
  mutability: o.mutability ?? 'readWrite',
  returned: o.returned ?? 'default',
  uniqueness: o.uniqueness ?? 'none',
  ...(o.subAttributes ? { subAttributes: o.subAttributes } : {}),
});
const multi = (name: string) =>
  attr(name, {
    type: 'complex',
    multiValued: true,
    subAttributes: [attr('value'), attr('display'), attr('type'), attr('primary', { type: 'boolean' })],
  });

export function schemas(baseUrl: string) {
  const list = [
    {
      id: USER_SCHEMA,
      name: 'User',
      description: 'User Account',
      attributes: [
        attr('userName', { required: true, uniqueness: 'server', description: 'Unique within the organization, case-insensitive.' }),
        attr('name', {
          type: 'complex',
          subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => attr(n)),
        }),
        ...['displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'].map((n) => attr(n)),
        attr('active', { type: 'boolean' }),
        attr('password', { mutability: 'writeOnly', returned: 'never' }),
        ...['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'].map(multi),
        attr('groups', { type: 'complex', multiValued: true, mutability: 'readOnly', subAttributes: [attr('value'), attr('display')] }),
      ],
    },
    {
      id: ENTERPRISE_SCHEMA,
      name: 'EnterpriseUser',
      description: 'Enterprise User',
      attributes: [
        ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((n) => attr(n)),
        attr('manager', {
          type: 'complex',
          subAttributes: [attr('value'), attr('$ref', { type: 'reference' }), attr('displayName', { mutability: 'readOnly' })],
        }),
      ],
    },
    {
      id: GROUP_SCHEMA,
      name: 'Group',
      description: 'Group',
      attributes: [
        attr('displayName', { required: true }),
        attr('members', {
          type: 'complex',
          multiValued: true,
          subAttributes: [attr('value', { mutability: 'immutable' }), attr('display', { mutability: 'readOnly' })],
        }),
      ],
    },
  ];
  return list.map((s) => ({ schemas: [SCHEMA_SCHEMA], ...s, meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` } }));
}

export function listOf<T>(items: T[]) {
  return { schemas: [LIST_SCHEMA], totalResults: items.length, itemsPerPage: items.length, startIndex: 1, Resources: items };
}
