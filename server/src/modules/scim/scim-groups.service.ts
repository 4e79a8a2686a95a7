import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { toIso } from '../../lib/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { createGroup as createTroupeGroup, deleteGroup as deleteTroupeGroup, updateGroup } from '../groups/groups.service.js';
import { changeGroup } from '../members/members.service.js';
import { invalidSyntax, invalidValue, ScimError, scimNotFound } from './scim-errors.js';
import { filterToSql, GROUP_FILTER_COLUMNS } from './scim-filter.js';
import { applyPatch, type Shape } from './scim-patch.js';
import * as repo from './scim.repo.js';
import { checkIfMatch, etagOf, LIST_SCHEMA } from './scim-users.model.js';
import { linkAcceptedUsers, type Paging, requireId, type ScimCaller } from './scim-users.service.js';

// SCIM Groups are Troupe groups: adding and removing members drives the group's membership, so the
// group's programs enrol and un-enrol people through the existing rules.

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** Entra ID adds this schema when it creates a group. */
const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

export const GROUP_SHAPE: Shape = {
  attributes: { id: 'id', externalid: 'externalId', displayname: 'displayName', members: 'members', meta: 'meta' },
  multi: new Set(['members']),
  complex: new Set(),
  readOnly: new Set(['id', 'meta']),
  extensions: {},
  extensionUrns: {},
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const within = (ctx: AppContext, tx: Db): AppContext => ({ ...ctx, db: tx });

function present(g: repo.GroupRow, members: { value: string; display: string }[] | null, baseUrl: string): Json {
  return {
    schemas: [GROUP_SCHEMA],
    id: g.id,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    displayName: g.displayName,
    ...(members ? { members: members.map((m) => ({ value: m.value, display: m.display, $ref: `${baseUrl}/Users/${m.value}` })) } : {}),
    meta: {
      resourceType: 'Group',
      created: toIso(g.createdAt),
      lastModified: toIso(g.updatedAt),
      location: `${baseUrl}/Groups/${g.id}`,
      version: etagOf(g.version),
    },
  };
}

type GroupInput = { displayName: string; externalId: string | null; members: string[] };

function readGroup(body: unknown, requireSchema: boolean): GroupInput {
  if (!isObject(body)) throw invalidSyntax('The body must be a JSON object.');
  const get = (name: string) => {
    const k = Object.keys(body).find((x) => x.toLowerCase() === name.toLowerCase());
    return k === undefined ? undefined : body[k];
  };
  if (requireSchema) {
    const schemas = get('schemas');
    if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === GROUP_SCHEMA.toLowerCase()))
      throw invalidSyntax(`A Group has the schema ${GROUP_SCHEMA}.`);
    const other = schemas.find(
      (s) => typeof s !== 'string' || ![GROUP_SCHEMA.toLowerCase(), ENTRA_GROUP_SCHEMA.toLowerCase()].includes(s.toLowerCase()),
    );
    if (other !== undefined) throw invalidSyntax(`Unknown schema ${String(other)}.`);
  }
  for (const k of Object.keys(body))
    if (!GROUP_SHAPE.attributes[k.toLowerCase()] && k.toLowerCase() !== 'schemas') throw invalidValue(`Unknown attribute ${k}.`);
  const displayName = get('displayName');
  if (typeof displayName !== 'string' || !displayName.trim() || displayName.length > 200)
    throw invalidValue('displayName is required (at most 200 characters).');
  const externalId = get('externalId');
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') throw invalidValue('externalId must be a string.');
  const members = get('members') ?? [];
  if (!Array.isArray(members)) throw invalidValue('members must be a list.');
  const ids = members.map((m) => {
    const v = isObject(m) ? m.value : undefined;
    if (typeof v !== 'string') throw invalidValue('Each member is {"value": "<user id>"}.');
    return v.toLowerCase();
  });
  return { displayName: displayName.trim(), externalId: (externalId as string | null | undefined) || null, members: [...new Set(ids)] };
}

async function audit(tx: Db, c: ScimCaller, action: string, targetId: string, data: Record<string, unknown>) {
  await recordAudit(tx, {
    orgId: c.orgId,
    actor: c.actor,
    action,
    targetType: 'scim_group',
    targetId,
    ip: c.actor.ip,
    data: { ...data, tokenId: c.tokenId, tokenPrefix: c.tokenPrefix },
  });
}

/** Sets the group's members to `wanted` (set-based); people with an active membership join or leave the Troupe group. */
async function setMembers(ctx: AppContext, c: ScimCaller, g: repo.GroupRow, current: string[], wanted: string[]) {
  const have = new Set(current);
  const want = new Set(wanted);
  const added = wanted.filter((id) => !have.has(id));
  const removed = current.filter((id) => !want.has(id));
  if (added.length) {
    const known = await repo.usersAmong(ctx.db, c.orgId, added);
    if (known.length !== added.length) {
      const set = new Set(known.map((k) => k.id));
      const missing = added.filter((id) => !set.has(id));
      throw invalidValue(`Unknown member: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}.`);
    }
    const accounts = (await repo.addMembers(ctx.db, c.orgId, g.id, added)).map((r) => r.accountId).filter((a): a is string => Boolean(a));
    if (accounts.length) await changeGroup(ctx, { actor: c.actor, orgId: c.orgId, accountIds: accounts, groupId: g.groupId, add: true });
  }
  if (removed.length) {
    const accounts = (await repo.removeMembers(ctx.db, c.orgId, g.id, removed))
      .map((r) => r.accountId)
      .filter((a): a is string => Boolean(a));
    if (accounts.length) await changeGroup(ctx, { actor: c.actor, orgId: c.orgId, accountIds: accounts, groupId: g.groupId, add: false });
  }
  return { added: added.length, removed: removed.length };
}

const nameTaken = (name: string) => new ScimError(409, `A group named ${name} already exists.`, 'uniqueness');

/** Creates a Troupe group (top level) and its SCIM record, with its first members. */
export async function createGroup(ctx: AppContext, c: ScimCaller, body: unknown) {
  const input = readGroup(body, true);
  await linkAcceptedUsers(ctx, c.orgId);
  return ctx.db.transaction(async (tx) => {
    const sub = within(ctx, tx);
    let groupId: string;
    try {
      groupId = await createTroupeGroup(sub, { actor: c.actor, orgId: c.orgId, name: input.displayName });
    } catch (e) {
      if ((e as { status?: number }).status === 409) throw nameTaken(input.displayName);
      throw e;
    }
    const id = await repo.insertGroup(tx, { orgId: c.orgId, groupId, externalId: input.externalId });
    const g = (await repo.findGroup(tx, c.orgId, id)) as repo.GroupRow;
    const n = await setMembers(sub, c, g, [], input.members);
    await audit(tx, c, 'scim.group_created', id, { displayName: input.displayName, groupId, members: n.added });
    return present(g, await repo.membersOf(tx, c.orgId, [id]), c.baseUrl);
  });
}

const wantsMembers = (excluded?: string, attributes?: string) =>
  !(excluded ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .includes('members') &&
  (!attributes ||
    attributes
      .toLowerCase()
      .split(',')
      .map((s) => s.trim())
      .includes('members'));

/** A group with its members (unless `excludedAttributes=members`). */
export async function getGroup(ctx: AppContext, c: ScimCaller, id: string, o: { excludedAttributes?: string; attributes?: string } = {}) {
  const gid = requireId(id, 'Group');
  await linkAcceptedUsers(ctx, c.orgId);
  const g = await repo.findGroup(ctx.db, c.orgId, gid);
  if (!g) throw scimNotFound('Group', id);
  return present(g, wantsMembers(o.excludedAttributes, o.attributes) ? await repo.membersOf(ctx.db, c.orgId, [g.id]) : null, c.baseUrl);
}

/** Groups matching a filter (Entra: `displayName eq "…"` with `excludedAttributes=members`). */
export async function listGroups(ctx: AppContext, c: ScimCaller, p: Paging & { excludedAttributes?: string; attributes?: string }) {
  const where = filterToSql(p.filter, GROUP_FILTER_COLUMNS);
  const { rows, total } = await repo.listGroups(ctx.db, c.orgId, where, p.startIndex - 1, p.count);
  const withMembers = wantsMembers(p.excludedAttributes, p.attributes);
  const members = withMembers
    ? await repo.membersOf(
        ctx.db,
        c.orgId,
        rows.map((r) => r.id),
      )
    : [];
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    itemsPerPage: rows.length,
    startIndex: p.startIndex,
    Resources: rows.map((g) => present(g, withMembers ? members.filter((m) => m.groupId === g.id) : null, c.baseUrl)),
  };
}

async function changeGroupResource(
  ctx: AppContext,
  c: ScimCaller,
  id: string,
  ifMatch: string | string[] | undefined,
  next: (g: repo.GroupRow, members: string[]) => GroupInput,
  returnMembers: boolean,
) {
  const gid = requireId(id, 'Group');
  await linkAcceptedUsers(ctx, c.orgId);
  return ctx.db.transaction(async (tx) => {
    const sub = within(ctx, tx);
    const g = await repo.findGroup(tx, c.orgId, gid, true);
    if (!g) throw scimNotFound('Group', id);
    checkIfMatch(ifMatch, g.version);
    const current = (await repo.membersOf(tx, c.orgId, [g.id])).map((m) => m.value);
    const input = next(g, current);
    if (input.displayName !== g.displayName) {
      try {
        await updateGroup(sub, { actor: c.actor, orgId: c.orgId, groupId: g.groupId, name: input.displayName });
      } catch (e) {
        if ((e as { status?: number }).status === 409) throw nameTaken(input.displayName);
        throw e;
      }
    }
    const n = await setMembers(sub, c, g, current, input.members);
    await repo.touchGroup(tx, c.orgId, g.id, { externalId: input.externalId });
    await audit(tx, c, 'scim.group_updated', g.id, {
      ...(input.displayName !== g.displayName ? { displayName: { from: g.displayName, to: input.displayName } } : {}),
      membersAdded: n.added,
      membersRemoved: n.removed,
    });
    const saved = (await repo.findGroup(tx, c.orgId, g.id)) as repo.GroupRow;
    return { resource: present(saved, returnMembers ? await repo.membersOf(tx, c.orgId, [g.id]) : null, c.baseUrl) };
  });
}

/** PUT: name and the whole member list. */
export function replaceGroup(ctx: AppContext, c: ScimCaller, id: string, body: unknown, ifMatch?: string | string[]) {
  const input = readGroup(body, true);
  return changeGroupResource(ctx, c, id, ifMatch, () => input, true);
}

/** PATCH: rename, members added and removed (in any mix, in one request); answered 204, as both clients accept. */
export function patchGroup(ctx: AppContext, c: ScimCaller, id: string, body: unknown, ifMatch?: string | string[]) {
  return changeGroupResource(
    ctx,
    c,
    id,
    ifMatch,
    (g, members) => {
      const doc = {
        schemas: [GROUP_SCHEMA],
        displayName: g.displayName,
        externalId: g.externalId,
        members: members.map((value) => ({ value })),
      };
      return readGroup(applyPatch(doc, body, GROUP_SHAPE), false);
    },
    false,
  );
}

/** DELETE: the Troupe group goes (members stay in the organization; not-started enrolments it justified go). */
export async function deleteGroup(ctx: AppContext, c: ScimCaller, id: string, ifMatch?: string | string[]) {
  const gid = requireId(id, 'Group');
  await ctx.db.transaction(async (tx) => {
    const g = await repo.findGroup(tx, c.orgId, gid, true);
    if (!g) throw scimNotFound('Group', id);
    checkIfMatch(ifMatch, g.version);
    await deleteTroupeGroup(within(ctx, tx), { actor: c.actor, orgId: c.orgId, groupId: g.groupId, withSubgroups: false });
    await audit(tx, c, 'scim.group_deleted', g.id, { displayName: g.displayName, groupId: g.groupId });
  });
}
