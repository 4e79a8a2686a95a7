import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { normalizeEmail } from '../../lib/email-address.js';
import { updateProfile } from '../accounts/accounts.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { addAccountsToGroups, existingGroupIds } from '../groups/group-membership.service.js';
import { createEmailInvitations } from '../invitations/invite.service.js';
import { cancelInvitations } from '../invitations/lifecycle.service.js';
import { type Actor, createManagedMember, removeMembership, setArchived } from '../members/members.service.js';
import { recordEvent } from '../webhooks/events.service.js';
import { setFieldValuesBulk } from '../profile-fields/fields.service.js';
import { invalidValue, ScimError, scimNotFound } from './scim-errors.js';
import { filterToSql, USER_FILTER_COLUMNS } from './scim-filter.js';
import { applyPatch } from './scim-patch.js';
import * as repo from './scim.repo.js';
import { checkIfMatch, fullNameOf, project, LIST_SCHEMA, presentUser, readUser, type UserRecord, USER_SHAPE } from './scim-users.model.js';

/** Who is calling: the organization the token names, the token, and the account it acts as. */
export type ScimCaller = {
  orgId: string;
  tokenId: string;
  tokenPrefix: string;
  actor: Actor;
  settings: { accountMode: string; role: string; defaultGroupIds: string[] };
  baseUrl: string;
};
export type Paging = { filter?: string; startIndex: number; count: number; attributes?: string; excludedAttributes?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A SCIM id that is not one of ours (Okta's `00919288221112222`) is simply not found. */
export function requireId(id: string, what: string): string {
  if (!UUID.test(id)) throw scimNotFound(what, id);
  return id.toLowerCase();
}

const within = (ctx: AppContext, tx: Db): AppContext => ({ ...ctx, db: tx });
const uniqueness = (userName: string) => new ScimError(409, `A user with the userName ${userName} already exists.`, 'uniqueness');
// Two records of one person would archive or remove each other's membership.
const emailTaken = (email: string) => new ScimError(409, `Another user of this organization has the email ${email}.`, 'uniqueness');

function addressOf(email: string) {
  const addr = normalizeEmail(email);
  if (!addr) throw invalidValue(`${email} is not a valid email address.`);
  return addr;
}

/** JSON with object keys sorted (jsonb does not keep the order they were sent in). */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

const columns = (r: UserRecord) => ({
  userName: r.userName,
  userNameKey: r.userName.toLowerCase(),
  externalId: r.externalId,
  active: r.active,
  givenName: r.givenName,
  familyName: r.familyName,
  displayName: r.displayName,
  employeeNumber: r.employeeNumber,
  department: r.department,
  costCenter: r.costCenter,
  organization: r.organization,
  division: r.division,
  managerId: r.managerId,
  extra: r.extra,
});

async function audit(tx: Db, c: ScimCaller, action: string, targetId: string, data: Record<string, unknown>) {
  await recordAudit(tx, {
    orgId: c.orgId,
    actor: c.actor,
    action,
    targetType: 'scim_user',
    targetId,
    ip: c.actor.ip,
    data: { ...data, tokenId: c.tokenId, tokenPrefix: c.tokenPrefix },
  });
}

/** Links the users who accepted their invitation since, and puts them in their SCIM groups. */
export async function linkAcceptedUsers(ctx: AppContext, orgId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const linked = await repo.linkAccepted(tx, orgId);
    for (const l of linked) {
      const groupIds = await repo.groupIdsOfUser(tx, orgId, l.id);
      if (groupIds.length)
        await addAccountsToGroups(tx, { orgId, groupIds, accountIds: [l.accountId], now: ctx.clock.now(), jobs: ctx.jobs });
    }
  });
}

/**
 * Creates the organization's record of a person. A new address becomes a managed account; an address
 * with an account (the person's own or another organization's) gets an invitation (double opt-in) and
 * its account is never changed; a member of this organization already is linked as is.
 */
export async function createUser(ctx: AppContext, c: ScimCaller, body: unknown) {
  const { record, password } = readUser(body, { requireSchema: true });
  const addr = addressOf(record.email);
  return ctx.db.transaction(async (tx) => {
    const sub = within(ctx, tx);
    if (await repo.userNameOwner(tx, c.orgId, record.userName.toLowerCase())) throw uniqueness(record.userName);
    if (await repo.emailOwner(tx, c.orgId, addr.key)) throw emailTaken(addr.email);
    const groupIds = await existingGroupIds(tx, c.orgId, c.settings.defaultGroupIds);
    const found = await repo.accountByEmail(tx, c.orgId, addr.key);
    let accountId: string | null = null;
    let invitationId: string | null = null;
    let outcome: 'managed' | 'linked' | 'invited';
    if (!found) {
      const made = await createManagedMember(sub, {
        actor: c.actor,
        orgId: c.orgId,
        email: addr.email,
        name: fullNameOf(record),
        role: c.settings.role,
        groupIds,
        password: password ?? undefined,
        notify: c.settings.accountMode !== 'sso',
        source: 'scim',
      });
      accountId = made.accountId;
      outcome = 'managed';
    } else if (found.status) {
      accountId = found.accountId;
      outcome = 'linked';
    } else {
      const res = await createEmailInvitations(sub, tx, {
        actor: c.actor,
        orgId: c.orgId,
        addresses: [addr],
        groupIds,
        role: c.settings.role,
        sendAt: null,
        now: ctx.clock.now(),
      });
      invitationId = res.items[0]?.id ?? res.skipped[0]?.invitationId ?? null;
      outcome = 'invited';
    }
    const row = await repo.insertUser(tx, {
      ...columns(record),
      orgId: c.orgId,
      email: addr.email,
      emailKey: addr.key,
      accountId,
      invitationId,
    });
    if (!row) throw uniqueness(record.userName);
    if (!record.active && accountId) await applyActive(sub, c, accountId, false);
    if (accountId) await syncProfileFields(ctx, tx, c.orgId, accountId, record);
    await audit(tx, c, 'scim.user_created', row.id, { userName: row.userName, outcome, accountId, invitationId });
    return presentUser(row, c.baseUrl);
  });
}

/**
 * issue 15: the enterprise extension's attributes go to the profile fields with the same keys, when the
 * organization has them (values that do not fit a field are skipped); rules then follow the person.
 */
async function syncProfileFields(ctx: AppContext, tx: Db, orgId: string, accountId: string, r: UserRecord) {
  const fields = {
    department: r.department,
    division: r.division,
    costCenter: r.costCenter,
    employeeNumber: r.employeeNumber,
    organization: r.organization,
  };
  await setFieldValuesBulk(tx, {
    orgId,
    rows: [{ accountId, fields }],
    now: ctx.clock.now(),
    jobs: ctx.jobs,
    lenient: true,
    extraKeys: ['email_domain', 'external_id'],
  });
}

async function applyActive(ctx: AppContext, c: ScimCaller, accountId: string, active: boolean) {
  const m = await repo.membershipOf(ctx.db, c.orgId, accountId);
  if (!m || (m.status === 'active') === active) return;
  await setArchived(ctx, { actor: c.actor, orgId: c.orgId, accountIds: [accountId], archived: !active, managedSessionsOnly: true });
}

/** A user by id (404 for another organization's or an unknown id). */
export async function getUser(ctx: AppContext, c: ScimCaller, id: string, o: { attributes?: string; excludedAttributes?: string } = {}) {
  const uid = requireId(id, 'User');
  await linkAcceptedUsers(ctx, c.orgId);
  const row = await repo.findUser(ctx.db, c.orgId, uid);
  if (!row) throw scimNotFound('User', id);
  return project(presentUser(row, c.baseUrl), o.attributes, o.excludedAttributes);
}

/** Users matching a filter, one page (`startIndex` from 1), in a stable order. */
export async function listUsers(ctx: AppContext, c: ScimCaller, p: Paging) {
  const where = filterToSql(p.filter, USER_FILTER_COLUMNS);
  await linkAcceptedUsers(ctx, c.orgId);
  const { rows, total } = await repo.listUsers(ctx.db, c.orgId, where, p.startIndex - 1, p.count);
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    itemsPerPage: rows.length,
    startIndex: p.startIndex,
    Resources: rows.map((r) => project(presentUser(r, c.baseUrl), p.attributes, p.excludedAttributes)),
  };
}

async function changeUser(
  ctx: AppContext,
  c: ScimCaller,
  id: string,
  ifMatch: string | string[] | undefined,
  next: (row: repo.UserRow) => UserRecord,
) {
  const uid = requireId(id, 'User');
  await linkAcceptedUsers(ctx, c.orgId);
  return ctx.db.transaction(async (tx) => {
    const sub = within(ctx, tx);
    const row = await repo.findUser(tx, c.orgId, uid, true);
    if (!row) throw scimNotFound('User', id);
    checkIfMatch(ifMatch, row.version);
    const record = next(row);
    const addr = addressOf(record.email);
    const key = record.userName.toLowerCase();
    if (key !== row.userNameKey && (await repo.userNameOwner(tx, c.orgId, key, row.id))) throw uniqueness(record.userName);
    if (addr.key !== row.emailKey && (await repo.emailOwner(tx, c.orgId, addr.key, row.id))) throw emailTaken(addr.email);
    const before = presentUser(row, c.baseUrl);
    const changed = Object.entries({ ...columns(record), email: addr.email }).filter(
      ([k, v]) => stableJson(v) !== stableJson((row as Record<string, unknown>)[k]),
    );
    if (changed.length === 0) return before;
    if (row.accountId) {
      const m = await repo.membershipOf(tx, c.orgId, row.accountId);
      const name = fullNameOf(record);
      // Only an account this organization made takes the provider's name; a person's own account is theirs.
      if (m?.managed && name !== fullNameOf({ ...row, extra: row.extra } as UserRecord))
        await updateProfile(sub, { accountId: row.accountId, name });
      if (record.active !== row.active) await applyActive(sub, c, row.accountId, record.active);
      const fields = changed.map(([k]) => k).filter((k) => !['active', 'userNameKey'].includes(k));
      await syncProfileFields(ctx, tx, c.orgId, row.accountId, record);
      if (fields.length)
        await recordEvent(tx, ctx.jobs, c.orgId, 'member.updated', { accountId: row.accountId, changes: { scim: fields } });
    }
    const saved = await repo.updateUser(tx, c.orgId, row.id, { ...columns(record), email: addr.email, emailKey: addr.key });
    await audit(
      tx,
      c,
      record.active !== row.active ? (record.active ? 'scim.user_activated' : 'scim.user_deactivated') : 'scim.user_updated',
      row.id,
      {
        fields: changed.map(([k]) => k).filter((k) => k !== 'userNameKey'),
      },
    );
    return presentUser(saved, c.baseUrl);
  });
}

/** PUT: the whole user (Okta deactivates with `active: false` here). */
export function replaceUser(ctx: AppContext, c: ScimCaller, id: string, body: unknown, ifMatch?: string | string[]) {
  const { record } = readUser(body, { requireSchema: true });
  return changeUser(ctx, c, id, ifMatch, () => record);
}

/** PATCH: the operations applied to the user as it is, then checked like a PUT. */
export function patchUser(ctx: AppContext, c: ScimCaller, id: string, body: unknown, ifMatch?: string | string[]) {
  return changeUser(ctx, c, id, ifMatch, (row) => {
    const { meta: _m, id: _i, ...doc } = presentUser(row, c.baseUrl);
    return readUser(applyPatch(doc, body, USER_SHAPE), { requireSchema: false }).record;
  });
}

/** DELETE: the membership goes (the account too when the organization made it and it is nowhere else); the id is never reused. */
export async function deleteUser(ctx: AppContext, c: ScimCaller, id: string, ifMatch?: string | string[]) {
  const uid = requireId(id, 'User');
  await linkAcceptedUsers(ctx, c.orgId);
  await ctx.db.transaction(async (tx) => {
    const sub = within(ctx, tx);
    const row = await repo.findUser(tx, c.orgId, uid, true);
    if (!row) throw scimNotFound('User', id);
    checkIfMatch(ifMatch, row.version);
    if (row.accountId) await removeMembership(sub, { actor: c.actor, orgId: c.orgId, accountId: row.accountId });
    else if (row.invitationId) await cancelInvitations(sub, { actor: c.actor, orgId: c.orgId, invitationIds: [row.invitationId] });
    await repo.deleteUser(tx, c.orgId, row.id);
    await audit(tx, c, 'scim.user_deleted', row.id, { userName: row.userName, accountId: row.accountId });
  });
}
