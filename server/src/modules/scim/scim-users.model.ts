import { toIso } from '../../lib/time.js';
import type { Shape } from './scim-patch.js';
import { invalidSyntax, invalidValue, ScimError } from './scim-errors.js';

// The SCIM User resource: its shape for PATCH, reading a body into the organization's record, and
// presenting a record. POST, PUT and PATCH all end in `readUser`, so one set of rules applies.

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

const CORE = [
  'id',
  'externalId',
  'userName',
  'name',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'active',
  'password',
  'emails',
  'phoneNumbers',
  'ims',
  'photos',
  'addresses',
  'groups',
  'entitlements',
  'roles',
  'x509Certificates',
  'meta',
];
const ENTERPRISE = ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'];
const lowerMap = (names: string[]) => Object.fromEntries(names.map((n) => [n.toLowerCase(), n]));

export const USER_SHAPE: Shape = {
  attributes: lowerMap(CORE),
  multi: new Set(['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates']),
  complex: new Set(['name']),
  readOnly: new Set(['id', 'meta', 'groups']),
  extensions: { [ENTERPRISE_SCHEMA.toLowerCase()]: lowerMap(ENTERPRISE) },
  extensionUrns: { [ENTERPRISE_SCHEMA.toLowerCase()]: ENTERPRISE_SCHEMA },
};

/** Everything of a User the organization keeps (the columns of scim_users). */
export type UserRecord = {
  userName: string;
  externalId: string | null;
  email: string;
  active: boolean;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  employeeNumber: string | null;
  department: string | null;
  costCenter: string | null;
  organization: string | null;
  division: string | null;
  managerId: string | null;
  extra: Record<string, unknown>;
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_TEXT = 1000;

/** `"False"`, `"true"` (Entra sends booleans as strings) and real booleans. */
export function readBoolean(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw invalidValue(`${field} must be true or false.`);
}

function text(v: unknown, field: string, required = false): string | null {
  if (v === undefined || v === null || v === '') {
    if (required) throw invalidValue(`${field} is required.`);
    return null;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw invalidValue(`${field} must be a string.`);
  const s = String(v).trim();
  if (s.length > MAX_TEXT) throw invalidValue(`${field} is at most ${MAX_TEXT} characters.`);
  if (required && !s) throw invalidValue(`${field} is required.`);
  return s || null;
}

function pick(obj: Json, name: string): unknown {
  const lower = name.toLowerCase();
  const k = Object.keys(obj).find((x) => x.toLowerCase() === lower);
  return k === undefined ? undefined : obj[k];
}

function emailOf(emails: unknown, userName: string): string {
  if (emails !== undefined && emails !== null && !Array.isArray(emails)) throw invalidValue('emails must be a list.');
  const list = ((emails as unknown[] | undefined) ?? []).filter(isObject);
  const chosen =
    list.find((e) => pick(e, 'primary') === true || pick(e, 'primary') === 'True' || pick(e, 'primary') === 'true') ??
    list.find((e) => String(pick(e, 'type') ?? '').toLowerCase() === 'work') ??
    list[0];
  const value = chosen ? pick(chosen, 'value') : undefined;
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (userName.includes('@')) return userName;
  throw invalidValue('Give an email address (emails, or a userName that is one).');
}

/** Reads a User body (POST, PUT, or the result of a PATCH) into the record; the password is returned apart. */
export function readUser(body: unknown, opts: { requireSchema: boolean }): { record: UserRecord; password: string | null } {
  if (!isObject(body)) throw invalidSyntax('The body must be a JSON object.');
  const schemas = pick(body, 'schemas');
  if (opts.requireSchema) {
    if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === USER_SCHEMA.toLowerCase()))
      throw invalidSyntax(`A User has the schema ${USER_SCHEMA}.`);
    const unknown = schemas.filter(
      (s) => typeof s !== 'string' || ![USER_SCHEMA.toLowerCase(), ENTERPRISE_SCHEMA.toLowerCase()].includes(s.toLowerCase()),
    );
    if (unknown.length) throw invalidSyntax(`Unknown schema ${String(unknown[0])}.`);
  }
  const extra: Json = {};
  let enterprise: Json = {};
  for (const [k, v] of Object.entries(body)) {
    const lower = k.toLowerCase();
    if (lower === ENTERPRISE_SCHEMA.toLowerCase()) {
      if (!isObject(v)) throw invalidValue(`${ENTERPRISE_SCHEMA} must be an object.`);
      enterprise = v;
      continue;
    }
    const name = USER_SHAPE.attributes[lower];
    if (!name && lower !== 'schemas') throw invalidValue(`Unknown attribute ${k}.`);
    if (
      name &&
      !['id', 'meta', 'groups', 'userName', 'externalId', 'active', 'password', 'displayName', 'name'].includes(name) &&
      v !== null
    )
      extra[name] = v;
  }
  const userName = text(pick(body, 'userName'), 'userName', true) as string;
  const name = pick(body, 'name');
  if (name !== undefined && name !== null && !isObject(name)) throw invalidValue('name must be an object.');
  const n = (name ?? {}) as Json;
  const nameRest = Object.fromEntries(
    Object.entries(n).filter(([k]) => !['givenname', 'familyname'].includes(k.toLowerCase()) && n[k] !== null),
  );
  if (Object.keys(nameRest).length) extra.name = nameRest;
  const activeRaw = pick(body, 'active');
  const manager = pick(enterprise, 'manager');
  const managerId = isObject(manager) ? text(pick(manager, 'value'), 'manager.value') : text(manager, 'manager');
  const password = pick(body, 'password');
  if (password !== undefined && password !== null && (typeof password !== 'string' || password.length > 256))
    throw invalidValue('password must be a string of at most 256 characters.');
  for (const k of Object.keys(enterprise))
    if (!USER_SHAPE.extensions[ENTERPRISE_SCHEMA.toLowerCase()]?.[k.toLowerCase()])
      throw invalidValue(`Unknown attribute ${k} of ${ENTERPRISE_SCHEMA}.`);
  const email = emailOf(pick(body, 'emails'), userName);
  // Kept as sent; without any, the address is the work email (so reading and writing back changes nothing).
  if (!Array.isArray(extra.emails) || extra.emails.length === 0) extra.emails = [{ value: email, type: 'work', primary: true }];
  return {
    password: typeof password === 'string' && password ? password : null,
    record: {
      userName,
      externalId: text(pick(body, 'externalId'), 'externalId'),
      email,
      active: activeRaw === undefined || activeRaw === null ? true : readBoolean(activeRaw, 'active'),
      givenName: text(pick(n, 'givenName'), 'name.givenName'),
      familyName: text(pick(n, 'familyName'), 'name.familyName'),
      displayName: text(pick(body, 'displayName'), 'displayName'),
      employeeNumber: text(pick(enterprise, 'employeeNumber'), 'employeeNumber'),
      department: text(pick(enterprise, 'department'), 'department'),
      costCenter: text(pick(enterprise, 'costCenter'), 'costCenter'),
      organization: text(pick(enterprise, 'organization'), 'organization'),
      division: text(pick(enterprise, 'division'), 'division'),
      managerId,
      extra,
    },
  };
}

/** The person's name for a Troupe account. */
export function fullNameOf(r: UserRecord): string {
  const formatted = isObject(r.extra.name) ? (r.extra.name as Json).formatted : undefined;
  return (
    r.displayName ??
    ([r.givenName, r.familyName].filter(Boolean).join(' ') ||
      (typeof formatted === 'string' ? formatted : '') ||
      r.email.split('@')[0] ||
      r.userName)
  ).slice(0, 200);
}

export type StoredUser = UserRecord & { id: string; version: number; createdAt: string; updatedAt: string };

/** A record as a SCIM User (never its password). */
export function presentUser(u: StoredUser, baseUrl: string): Json {
  const enterprise = Object.fromEntries(
    Object.entries({
      employeeNumber: u.employeeNumber,
      department: u.department,
      costCenter: u.costCenter,
      organization: u.organization,
      division: u.division,
      manager: u.managerId ? { value: u.managerId } : null,
    }).filter(([, v]) => v !== null),
  );
  const extraName = isObject(u.extra.name) ? u.extra.name : {};
  const name = { ...extraName, ...(u.givenName ? { givenName: u.givenName } : {}), ...(u.familyName ? { familyName: u.familyName } : {}) };
  const emails = Array.isArray(u.extra.emails) ? u.extra.emails : [{ value: u.email, type: 'work', primary: true }];
  const { name: _n, emails: _e, ...rest } = u.extra;
  return {
    schemas: Object.keys(enterprise).length ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    id: u.id,
    ...(u.externalId ? { externalId: u.externalId } : {}),
    userName: u.userName,
    ...(Object.keys(name).length ? { name } : {}),
    ...(u.displayName ? { displayName: u.displayName } : {}),
    active: u.active,
    emails,
    ...rest,
    ...(Object.keys(enterprise).length ? { [ENTERPRISE_SCHEMA]: enterprise } : {}),
    meta: {
      resourceType: 'User',
      created: toIso(u.createdAt),
      lastModified: toIso(u.updatedAt),
      location: `${baseUrl}/Users/${u.id}`,
      version: etagOf(u.version),
    },
  };
}

export const etagOf = (version: number) => `W/"${version}"`;

/** Refuses a change when `If-Match` names another version (412); `*` and no header pass. */
export function checkIfMatch(header: string | string[] | undefined, version: number): void {
  if (header === undefined) return;
  const values = (Array.isArray(header) ? header.join(',') : header).split(',').map((s) => s.trim());
  if (values.includes('*') || values.includes(etagOf(version)) || values.includes(`"${version}"`)) return;
  throw new ScimError(412, 'The resource changed since you read it (If-Match does not match its version).');
}

/** `attributes` / `excludedAttributes` (top-level names; id and schemas always kept). */
export function project(resource: Json, attributes?: string, excluded?: string): Json {
  const list = (s?: string) =>
    (s ?? '')
      .split(',')
      .map(
        (x) =>
          x
            .trim()
            .toLowerCase()
            .replace(/^urn:ietf:params:scim:schemas:core:2\.0:\w+:/, '')
            .split('.')[0] as string,
      )
      .filter(Boolean);
  const keep = list(attributes);
  const drop = list(excluded);
  const always = ['id', 'schemas', 'meta'];
  return Object.fromEntries(
    Object.entries(resource).filter(([k]) => {
      const lower = k.toLowerCase();
      if (always.includes(lower)) return true;
      if (keep.length) return keep.includes(lower);
      return !drop.includes(lower);
    }),
  );
}
