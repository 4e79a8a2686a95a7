import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { AppError } from '../../http/errors.js';
import { normalizeEmail } from '../../lib/email-address.js';
import { auditAccountEvent, provenAccount } from '../accounts/accounts.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { findVerifiedDomain } from '../domains/domains.service.js';
import { addAccountsToGroups, removeAccountsFromGroup } from '../groups/group-membership.service.js';
import { createJoinRequest } from '../join-requests/join-requests.service.js';
import { setFieldValuesBulk } from '../profile-fields/fields.service.js';
import { joinOrganization, membershipStatus } from '../members/membership.service.js';
import * as repo from './sso.repo.js';

// What an SSO sign-in does with the claims it received: who the person is ((issuer, sub), never the
// email claim alone), their account (created just in time, or linked only when the provider vouches
// for the address AND the domain is verified by this organization), their membership (taking a seat)
// and the groups the mapping owns.

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined);

const refuse = (code: string, message: string) => new AppError(403, code, message);

export const noLink = () =>
  refuse(
    'sso_no_link',
    'An account with this address already exists. Sign in with your password, then link single sign-on from your account page.',
  );

/** Troupe groups the claims map to (the connection's groups claim through its map), within the organization. */
export async function mappedGroups(tx: Db, conn: repo.Connection, claims: Record<string, unknown>): Promise<string[]> {
  if (!conn.groupsClaim) return [];
  const raw = claims[conn.groupsClaim];
  const values = Array.isArray(raw) ? raw.filter((v) => typeof v === 'string') : typeof raw === 'string' ? [raw] : [];
  const ids = [...new Set(values.flatMap((v) => conn.groupMap[v] ?? []))];
  return ids.length ? repo.orgGroupIds(tx, conn.orgId, ids) : [];
}

/** Finds the account of the identity, or links/creates it following the rules above. */
async function resolveAccount(tx: Db, conn: repo.Connection, claims: Record<string, unknown>, now: Date, ip?: string) {
  const sub = str(claims.sub);
  if (!sub) throw refuse('sso_failed', 'The identity provider sent no subject.');
  const identity = await repo.findIdentity(tx, conn.issuer, sub);
  if (identity) {
    await repo.touchIdentity(tx, identity.id);
    const account = await repo.accountById(tx, identity.accountId);
    if (!account) throw refuse('sso_failed', 'The account linked to this identity no longer exists.');
    return { account, created: false };
  }
  const addr = normalizeEmail(claims.email);
  const vouched = claims.email_verified === true && addr !== null && (await findVerifiedDomain(tx, addr.domain))?.orgId === conn.orgId;
  const existing = addr ? await repo.accountByKey(tx, addr.key) : undefined;
  if (existing && !vouched) throw noLink();
  if (!addr || !vouched)
    throw refuse(
      'sso_email_not_vouched',
      'Your identity provider did not confirm an email address at a domain this organization has verified, so no account was created.',
    );
  const found = await provenAccount(tx, {
    email: addr.email,
    emailKey: addr.key,
    mode: 'find-or-create',
    name: str(claims[conn.nameClaim]) ?? addr.email.split('@')[0] ?? addr.email,
    passwordHash: null,
    locale: str(claims[conn.localeClaim])?.slice(0, 2) === 'fr' ? 'fr' : 'en',
    now,
    signInTo: 'join',
  });
  await repo.insertIdentity(tx, { accountId: found.account.id, connectionId: conn.id, issuer: conn.issuer, subject: sub });
  const account = { id: found.account.id, email: found.account.email, emailKey: found.account.emailKey };
  await auditAccountEvent(tx, found.account, found.created ? 'account.created_by_sso' : 'account.sso_linked', { ip });
  return { account, created: found.created };
}

/**
 * Signs a person in through a connection, inside the caller's transaction: account, membership (the
 * connection's default role and groups at first; a seat is taken), mapped groups added and removed
 * (only those the mapping added), name and locale refreshed.
 */
export async function signInWithClaims(
  tx: Db,
  jobs: JobQueue,
  o: { conn: repo.Connection; claims: Record<string, unknown>; now: Date; ip?: string },
): Promise<{ accountId: string; accountCreated: boolean; newMember: boolean; pendingApproval?: true }> {
  const { conn, claims, now } = o;
  const { account, created } = await resolveAccount(tx, conn, claims, now, o.ip);
  const status = await membershipStatus(tx, conn.orgId, account.id);
  if (status === 'archived')
    throw refuse('membership_archived', 'Your membership of this organization was archived. Ask your manager to restore it.');
  // Someone not yet a member comes in as the policy of their address's domain says (issue 16): with
  // "suggest" they ask to join (a request waits for an admin; they are signed in, with no membership
  // yet); with "auto-join" they also get the domain's default groups.
  const policy = status === null ? await domainPolicy(tx, conn.orgId, account.email) : null;
  if (policy?.policy === 'suggest') {
    await createJoinRequest(tx, { orgId: conn.orgId, account, source: 'domain', domainId: policy.domainId, ip: o.ip, now });
    await recordAudit(tx, {
      orgId: conn.orgId,
      actor: { id: account.id, email: account.email },
      action: 'sso.signed_in',
      targetType: 'sso_connection',
      targetId: conn.id,
      ip: o.ip,
      data: { accountCreated: created, newMember: false, pendingApproval: true },
    });
    return { accountId: account.id, accountCreated: created, newMember: false, pendingApproval: true };
  }
  const mapped = await mappedGroups(tx, conn, claims);
  const before = await repo.groupState(tx, conn.orgId, account.id);
  const joined = await joinOrganization(tx, {
    orgId: conn.orgId,
    accountId: account.id,
    emailKey: account.emailKey,
    role: conn.defaultRole,
    source: 'sso',
    groupIds: [],
    now,
    jobs,
  });
  const domainGroups = policy?.policy === 'auto_join' ? policy.groupIds : [];
  const defaults = joined.created ? await repo.orgGroupIds(tx, conn.orgId, [...new Set([...conn.defaultGroupIds, ...domainGroups])]) : [];
  const had = new Set(before.map((g) => g.groupId));
  const toAdd = [...new Set([...mapped, ...defaults])].filter((g) => !had.has(g));
  if (toAdd.length) await addAccountsToGroups(tx, { orgId: conn.orgId, groupIds: toAdd, accountIds: [account.id], now, jobs });
  await repo.recordGrants(tx, {
    orgId: conn.orgId,
    accountId: account.id,
    connectionId: conn.id,
    groupIds: toAdd.filter((g) => mapped.includes(g)),
  });
  const stale = before.filter((g) => g.granted && !mapped.includes(g.groupId)).map((g) => g.groupId);
  for (const groupId of stale) await removeAccountsFromGroup(tx, { orgId: conn.orgId, groupId, accountIds: [account.id] });
  if (!created) await repo.setAccountProfile(tx, account.id, { name: str(claims[conn.nameClaim]) });
  // Claims named like a profile field (department, cost centre, …) set it at every sign-in (issue 15);
  // rule-based groups follow. A value that does not fit the field is skipped, not refused.
  const fields = fieldClaims(conn, claims);
  if (Object.keys(fields).length)
    await setFieldValuesBulk(tx, { orgId: conn.orgId, rows: [{ accountId: account.id, fields }], now, jobs, lenient: true });
  await recordAudit(tx, {
    orgId: conn.orgId,
    actor: { id: account.id, email: account.email },
    action: 'sso.signed_in',
    targetType: 'sso_connection',
    targetId: conn.id,
    ip: o.ip,
    data: { accountCreated: created, newMember: joined.created, groupsAdded: toAdd, groupsRemoved: stale },
  });
  return { accountId: account.id, accountCreated: created, newMember: joined.created };
}

/** Protocol and identity claims: never profile fields. */
const RESERVED_CLAIMS = new Set([
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'sid',
  'email',
  'email_verified',
]);

/** The claims that may set profile fields (by key): text, numbers, booleans and lists of text. */
function fieldClaims(conn: repo.Connection, claims: Record<string, unknown>): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  const skip = new Set([conn.nameClaim, conn.localeClaim, conn.groupsClaim ?? '']);
  for (const [k, v] of Object.entries(claims)) {
    if (RESERVED_CLAIMS.has(k) || skip.has(k) || k.length > 64) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = typeof v === 'string' ? v.slice(0, 1000) : v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v.slice(0, 100) as string[];
  }
  return out;
}

/** The policy of the address's domain when this organization verified it (else none applies). */
async function domainPolicy(tx: Db, orgId: string, email: string) {
  const addr = normalizeEmail(email);
  const domain = addr ? await findVerifiedDomain(tx, addr.domain) : null;
  return domain?.orgId === orgId ? domain : null;
}

/** Link mode: attaches the identity to the signed-in account (refused when it belongs to another account). */
export async function linkIdentity(tx: Db, o: { conn: repo.Connection; claims: Record<string, unknown>; accountId: string; ip?: string }) {
  const sub = str(o.claims.sub);
  if (!sub) throw refuse('sso_failed', 'The identity provider sent no subject.');
  const existing = await repo.findIdentity(tx, o.conn.issuer, sub);
  if (existing && existing.accountId !== o.accountId)
    throw new AppError(409, 'sso_identity_taken', 'This single sign-on identity is already linked to another Troupe account.');
  if (!existing) await repo.insertIdentity(tx, { accountId: o.accountId, connectionId: o.conn.id, issuer: o.conn.issuer, subject: sub });
  const account = await repo.accountById(tx, o.accountId);
  await recordAudit(tx, {
    orgId: o.conn.orgId,
    actor: account ? { id: account.id, email: account.email } : null,
    action: 'sso.identity_linked',
    targetType: 'sso_connection',
    targetId: o.conn.id,
    ip: o.ip,
  });
}
