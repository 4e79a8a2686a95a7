import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { accounts, memberships, organizations } from '../../db/schema.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError, conflict, forbidden, invalidField, notFound } from '../../http/errors.js';
import { canGrant, canManageMember, type Role } from '../../http/permissions.js';
import { hashPassword } from '../../lib/passwords.js';
import { queueEmails } from '../../mail/outbox.js';
import { createAuthToken, TOKEN_TTL, requireEmail } from '../accounts/accounts.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { addAccountsToGroups, existingGroupIds, removeAccountsFromGroup } from '../groups/group-membership.service.js';
import { type JoinSource, joinOrganization } from './membership.service.js';
import { afterSeatsChanged, assertOrgSeats, assertRestoreSeats, takesSeat } from '../seats/seats.service.js';
import { recordBatchEvents, recordEvent } from '../webhooks/events.service.js';
import { one } from '../../lib/rows.js';
import type { Db } from '../../db/client.js';
import { reevaluateRulesFor } from '../profile-fields/fields.service.js';

export type Actor = AuthAccount & { ip?: string; role: string };

/** Refuses a role the actor may not hand out (the one table is `canGrant` in http/permissions.ts). */
export function assertCanGrant(actorRole: string, role: string): void {
  if (!canGrant(actorRole, role)) throw forbidden(`Your role (${actorRole}) cannot give the role ${role}.`);
}

/** Refuses to act on a member whose role is above or equal to the actor's (owners excepted). */
export function assertCanManage(actorRole: string, targetRole: string): void {
  if (!canManageMember(actorRole, targetRole))
    throw forbidden(`Your role (${actorRole}) cannot change a member whose role is ${targetRole}.`);
}

/** Validates that every group id belongs to the organization; 422 naming `groupIds` otherwise. */
export async function requireGroups(
  ctx: AppContext,
  orgId: string,
  groupIds: string[],
  field = 'groupIds',
  db: Db = ctx.db,
): Promise<string[]> {
  const unique = [...new Set(groupIds)];
  const found = await existingGroupIds(db, orgId, unique);
  const missing = unique.filter((g) => !found.includes(g));
  if (missing.length)
    throw new AppError(422, 'unknown_group', `Unknown group: ${missing.join(', ')}.`, { fields: { [field]: 'Unknown group.' }, missing });
  return unique;
}

/** Creates a managed account at once (no acceptance) and mails it a link to choose a password. */
export async function createManagedMember(
  ctx: AppContext,
  o: {
    actor: Actor;
    orgId: string;
    email: string;
    name: string;
    role: string;
    groupIds: string[];
    password?: string;
    locale?: string;
    /** issue 13: SCIM with single sign-on sends no set-password email; its members come from `scim`. */
    notify?: boolean;
    source?: JoinSource;
  },
) {
  const addr = requireEmail(o.email);
  assertCanGrant(o.actor.role, o.role);
  const groupIds = await requireGroups(ctx, o.orgId, o.groupIds);
  const passwordHash = o.password ? await hashPassword(o.password) : null;
  return ctx.db.transaction((tx) => createManagedMemberIn(ctx, tx, { ...o, email: addr.email, groupIds, passwordHash }));
}

/** The same inside the caller's transaction; `groupIds` already checked, the role already allowed. */
export async function createManagedMemberIn(
  ctx: AppContext,
  tx: Db,
  o: {
    actor: Actor;
    orgId: string;
    email: string;
    name: string;
    role: string;
    groupIds: string[];
    passwordHash: string | null;
    locale?: string;
    /** issue 13: SCIM with single sign-on sends no set-password email; its members come from `scim`. */
    notify?: boolean;
    source?: JoinSource;
  },
) {
  const addr = requireEmail(o.email);
  assertCanGrant(o.actor.role, o.role);
  const { groupIds, passwordHash } = o;
  const now = ctx.clock.now();
  const [known] = await tx.select().from(accounts).where(eq(accounts.emailKey, addr.key));
  if (known) {
    const [existing] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.orgId, o.orgId), eq(memberships.accountId, known.id)));
    if (existing)
      throw conflict('already_member', `${addr.email} is already a member of this organization.`, {
        fields: { email: 'Already a member.' },
      });
    // An existing account is never taken over: it must accept an invitation (double opt-in).
    throw conflict('account_exists', `${addr.email} already has a Troupe account; invite it instead, so the person can accept.`, {
      fields: { email: 'Already has an account: send an invitation.' },
    });
  }
  const account = one(
    await tx
      .insert(accounts)
      .values({
        email: addr.email,
        emailKey: addr.key,
        name: o.name,
        passwordHash,
        locale: o.locale ?? o.actor.locale ?? 'en',
        verifiedAt: passwordHash ? now.toISOString() : null,
      })
      .returning(),
    'account',
  );
  await joinOrganization(tx, {
    orgId: o.orgId,
    accountId: account.id,
    emailKey: addr.key,
    role: o.role,
    source: o.source ?? 'managed',
    managed: true,
    groupIds,
    now,
    jobs: ctx.jobs,
  });
  if (!passwordHash && o.notify !== false) {
    const token = await createAuthToken(tx, {
      accountId: account.id,
      emailKey: addr.key,
      purpose: 'set_password',
      expiresAt: new Date(now.getTime() + TOKEN_TTL.set_password),
    });
    const org = one(await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, o.orgId)), 'organization');
    const orgName = org.name;
    await queueEmails(tx, ctx.jobs, [
      {
        to: account.email,
        template: 'welcome-set-password',
        locale: account.locale,
        orgId: o.orgId,
        params: { token, name: account.name, orgName, inviterName: o.actor.name },
      },
    ]);
  }
  await recordAudit(tx, {
    orgId: o.orgId,
    actor: o.actor,
    action: 'member.created',
    targetType: 'account',
    targetId: account.id,
    ip: o.actor.ip,
    data: { email: addr.email, role: o.role, groupIds },
  });
  // issue 12: webhook
  await recordEvent(tx, ctx.jobs, o.orgId, 'member.joined', {
    accountId: account.id,
    email: account.email,
    name: account.name,
    role: o.role,
    groupIds,
    source: o.source ?? 'managed',
  });
  return { accountId: account.id, email: account.email, name: account.name, role: o.role as Role, status: 'active' as const };
}

/** Changes a member's role; the last owner cannot be demoted. */
export async function changeRole(ctx: AppContext, o: { actor: Actor; orgId: string; accountId: string; role: string }) {
  assertCanGrant(o.actor.role, o.role);
  return ctx.db.transaction((tx) => changeRoleIn(ctx, tx, o));
}

/** The same inside the caller's transaction. */
export async function changeRoleIn(ctx: AppContext, tx: Db, o: { actor: Actor; orgId: string; accountId: string; role: string }) {
  assertCanGrant(o.actor.role, o.role);
  const [m] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.orgId, o.orgId), eq(memberships.accountId, o.accountId)))
    .for('update');
  if (!m) throw notFound('Member');
  assertCanManage(o.actor.role, m.role);
  if (m.role === 'owner' && o.role !== 'owner') {
    const owners = await tx
      .select({ id: memberships.accountId })
      .from(memberships)
      .where(and(eq(memberships.orgId, o.orgId), eq(memberships.role, 'owner'), eq(memberships.status, 'active')));
    if (owners.length <= 1)
      throw conflict('last_owner', 'An organization keeps at least one owner; make someone else owner first.', {
        fields: { role: 'Last owner.' },
      });
  }
  if (m.status === 'active' && !takesSeat(m.role) && takesSeat(o.role)) await assertOrgSeats(tx, o.orgId, 1);
  await tx
    .update(memberships)
    .set({ role: o.role })
    .where(and(eq(memberships.orgId, o.orgId), eq(memberships.accountId, o.accountId)));
  await recordAudit(tx, {
    orgId: o.orgId,
    actor: o.actor,
    action: 'member.role_changed',
    targetType: 'account',
    targetId: o.accountId,
    ip: o.actor.ip,
    data: { from: m.role, to: o.role },
  });
  if (m.role !== o.role)
    await recordEvent(tx, ctx.jobs, o.orgId, 'member.updated', {
      accountId: o.accountId,
      changes: { role: { from: m.role, to: o.role } },
    }); // issue 12
  if (m.role !== o.role)
    // issue 15: rule-based groups reading the role
    await reevaluateRulesFor(tx, { orgId: o.orgId, accountIds: [o.accountId], keys: ['role'], now: ctx.clock.now(), jobs: ctx.jobs });
  return { accountId: o.accountId, role: o.role as Role };
}

/**
 * Archives or restores members, all or none (one transaction); archiving ends their sessions. An id
 * that is not a member of this organization is a 404, a member the actor may not manage a 403 (both
 * naming the ids, nothing changed). Returns how many changed (those already in the wanted state are not).
 */
export async function setArchived(
  ctx: AppContext,
  o: {
    actor: Actor;
    orgId: string;
    accountIds: string[];
    archived: boolean /** issue 13: SCIM signs out only accounts the organization manages. */;
    managedSessionsOnly?: boolean;
  },
) {
  if (o.archived && o.accountIds.includes(o.actor.id))
    throw invalidField('accountIds', 'You cannot archive yourself.', 'cannot_archive_self');
  return ctx.db.transaction((tx) => setArchivedIn(ctx, tx, o));
}

/** The same inside the caller's transaction. */
export async function setArchivedIn(
  ctx: AppContext,
  tx: Db,
  o: { actor: Actor; orgId: string; accountIds: string[]; archived: boolean; managedSessionsOnly?: boolean },
) {
  if (o.archived && o.accountIds.includes(o.actor.id))
    throw invalidField('accountIds', 'You cannot archive yourself.', 'cannot_archive_self');
  const wanted = [...new Set(o.accountIds)];
  const found = await tx
    .select({ accountId: memberships.accountId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, o.orgId), inArray(memberships.accountId, wanted)))
    .for('update');
  const known = new Set(found.map((m) => m.accountId));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length) throw new AppError(404, 'not_found', 'Member not found.', { accountIds: missing });
  const above = found.filter((m) => !canManageMember(o.actor.role, m.role)).map((m) => m.accountId);
  if (above.length)
    throw new AppError(403, 'forbidden', `Your role (${o.actor.role}) cannot archive or restore a member whose role is equal or above.`, {
      accountIds: above,
    });
  // Seats (issue 16): restoring takes a seat (checked under the limits' lock), archiving frees one.
  if (!o.archived) await assertRestoreSeats(tx, o.orgId, wanted);
  const changed = await tx
    .update(memberships)
    .set(o.archived ? { status: 'archived', archivedAt: sql`now()` } : { status: 'active', archivedAt: null })
    .where(
      and(
        eq(memberships.orgId, o.orgId),
        inArray(memberships.accountId, wanted),
        eq(memberships.status, o.archived ? 'active' : 'archived'),
      ),
    )
    .returning({ accountId: memberships.accountId });
  const ids = changed.map((c) => c.accountId);
  if (ids.length) await afterSeatsChanged(tx, ctx.jobs, o.orgId);
  if (o.archived && ids.length)
    await tx.execute(
      sql`DELETE FROM sessions WHERE account_id = ANY(string_to_array(${ids.join(',')}, ',')::uuid[])${
        o.managedSessionsOnly ? sql` AND account_id IN (SELECT account_id FROM memberships WHERE org_id = ${o.orgId} AND managed)` : sql``
      }`,
    );
  await recordAudit(tx, {
    orgId: o.orgId,
    actor: o.actor,
    action: o.archived ? 'member.archived' : 'member.restored',
    targetType: 'account',
    targetId: ids.length === 1 ? ids[0] : undefined,
    ip: o.actor.ip,
    data: { accountIds: ids },
  });
  await recordBatchEvents(
    tx,
    ctx.jobs,
    o.orgId,
    o.archived ? 'member.archived' : 'member.restored',
    ids.map((accountId) => ({ accountId })),
  ); // issue 12: webhook
  // issue 15: a restored member is placed in the rule-based groups that match them again.
  if (!o.archived) await reevaluateRulesFor(tx, { orgId: o.orgId, accountIds: ids, now: ctx.clock.now(), jobs: ctx.jobs });
  return ids.length;
}

/** Adds members to a group or removes them, as one transaction. */
export async function changeGroup(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; accountIds: string[]; groupId: string; add: boolean },
) {
  await requireGroups(ctx, o.orgId, [o.groupId], 'groupId');
  return ctx.db.transaction((tx) => changeGroupIn(ctx, tx, o));
}

/** The same inside the caller's transaction (the group already checked). */
export async function changeGroupIn(
  ctx: AppContext,
  tx: Db,
  o: { actor: Actor; orgId: string; accountIds: string[]; groupId: string; add: boolean },
) {
  const n = o.add
    ? await addAccountsToGroups(tx, {
        orgId: o.orgId,
        groupIds: [o.groupId],
        accountIds: o.accountIds,
        now: ctx.clock.now(),
        jobs: ctx.jobs,
      })
    : await removeAccountsFromGroup(tx, { orgId: o.orgId, groupId: o.groupId, accountIds: o.accountIds });
  await recordAudit(tx, {
    orgId: o.orgId,
    actor: o.actor,
    action: o.add ? 'group.members_added' : 'group.members_removed',
    targetType: 'group',
    targetId: o.groupId,
    ip: o.actor.ip,
    data: { count: n },
  });
  if (n > 0)
    await recordBatchEvents(
      tx,
      ctx.jobs,
      o.orgId,
      o.add ? 'group.member_added' : 'group.member_removed',
      o.accountIds.map((accountId) => ({ accountId })),
      { groupId: o.groupId },
    ); // issue 12: webhook
  return n;
}

/**
 * issue 13: removes a person from the organization (SCIM DELETE): their groups (not-started enrolments
 * no other group justifies go), their membership, and, when the organization made the account and it
 * belongs nowhere else, the account itself. An account of the person's own or of another organization stays.
 */
export async function removeMembership(ctx: AppContext, o: { actor: Actor; orgId: string; accountId: string }) {
  return ctx.db.transaction(async (tx) => {
    const [m] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.orgId, o.orgId), eq(memberships.accountId, o.accountId)))
      .for('update');
    if (!m) return false;
    assertCanManage(o.actor.role, m.role);
    const groupRows = await tx.execute(
      sql`SELECT group_id AS "groupId" FROM group_members WHERE org_id = ${o.orgId} AND account_id = ${o.accountId}`,
    );
    const groupIds = ((groupRows as { rows?: { groupId: string }[] }).rows ?? (groupRows as unknown as { groupId: string }[])).map(
      (r) => r.groupId,
    );
    for (const groupId of groupIds) await removeAccountsFromGroup(tx, { orgId: o.orgId, groupId, accountIds: [o.accountId] });
    await tx.delete(memberships).where(and(eq(memberships.orgId, o.orgId), eq(memberships.accountId, o.accountId)));
    let accountDeleted = false;
    if (m.managed) {
      const others = await tx.select({ id: memberships.orgId }).from(memberships).where(eq(memberships.accountId, o.accountId)).limit(1);
      if (others.length === 0) {
        await tx.delete(accounts).where(eq(accounts.id, o.accountId));
        accountDeleted = true;
      } else await tx.execute(sql`DELETE FROM sessions WHERE account_id = ${o.accountId}`);
    }
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'member.removed',
      targetType: 'account',
      targetId: o.accountId,
      ip: o.actor.ip,
      data: { role: m.role, managed: m.managed, accountDeleted, groupIds },
    });
    await recordEvent(tx, ctx.jobs, o.orgId, 'member.archived', { accountId: o.accountId, removed: true });
    return true;
  });
}
