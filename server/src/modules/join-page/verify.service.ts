import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { accounts, invitations, memberships, organizations } from '../../db/schema.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { hashPassword } from '../../lib/passwords.js';
import { toIso } from '../../lib/time.js';
import { insertProvenAccount } from '../accounts/accounts.repo.js';
import { auditAccountEvent } from '../accounts/accounts.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { effectiveStatus, findByToken, type Invitation } from '../invitations/invitations.repo.js';
import { joinOrganization } from '../members/membership.js';
import { findEnabledOfOrg, offeredGroups, offeredLocations } from './join-page.repo.js';
import type { LINK_STATES } from './join-page.schemas.js';
import { brandingOf, unavailable } from './request.service.js';
import { recordEvent } from '../webhooks/events.service.js';
import { one } from '../../lib/rows.js';

// The link in the verification email. Opening it (GET) never acts: only the POSTs below do, signed in
// as the address the link was sent to, or registering that very address.

type LinkState = (typeof LINK_STATES)[number];

const stateOf = (inv: Invitation, replaced: boolean, now: Date): LinkState => {
  const s = effectiveStatus(inv, now);
  if (s === 'active') return 'accepted';
  if (replaced) return 'replaced';
  if (s === 'prospect' || s === 'pending') return 'open';
  return s as LinkState;
};

const CLOSED: Record<Exclude<LinkState, 'open' | 'accepted'>, string> = {
  expired: 'This link has expired: links work for 24 hours. Ask again on the join page.',
  replaced: 'A newer link replaced this one. Use the link in the most recent email.',
  cancelled: 'This request was cancelled by the organization. Ask again on the join page, or ask for an invitation.',
  declined: 'This request was declined. Ask again on the join page.',
};

function closedError(state: LinkState): AppError {
  if (state === 'accepted')
    return new AppError(409, 'already_accepted', 'This link was already used. Sign in to find your groups and programs.');
  return new AppError(410, `join_link_${state}`, CLOSED[state as keyof typeof CLOSED]);
}

/** The join-page invitation behind a link; other kinds of invitation links are not found here. */
async function requireJoinLink(db: Db, token: string, lock = false) {
  const found = await findByToken(db, token, { lock });
  if (found?.invitation.kind !== 'join_page') {
    throw new AppError(
      404,
      'join_link_not_found',
      'This link is not valid. Check that you copied the whole link, or ask again on the join page.',
    );
  }
  const page = await findEnabledOfOrg(db, found.invitation.orgId);
  if (!page) throw unavailable();
  return { ...found, page };
}

/** What the person sees on opening the link: the organization, the group chosen, the address and the link's state. */
export async function viewJoinLink(ctx: AppContext, token: string) {
  const { invitation: inv, replaced, page } = await requireJoinLink(ctx.db, token);
  const org = one(
    await ctx.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, inv.orgId)),
    'organization',
  );
  const [groups, brandGroups, locations, existing] = await Promise.all([
    offeredGroups(ctx.db, inv.orgId, inv.groupIds),
    offeredGroups(ctx.db, inv.orgId, page.groupIds),
    inv.locationId ? offeredLocations(ctx.db, inv.orgId, [inv.locationId]) : Promise.resolve([]),
    ctx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.emailKey, inv.emailKey)),
  ]);
  const group = groups[0];
  return {
    state: stateOf(inv, replaced, ctx.clock.now()),
    email: inv.email,
    accountExists: existing.length > 0,
    slug: page.slug,
    organization: { name: org.name },
    branding: brandingOf(page, brandGroups),
    group: group ? { id: group.id, name: group.name, welcomeMessage: group.welcomeMessage } : null,
    location: locations[0] ?? null,
    expiresAt: toIso(inv.expiresAt),
  };
}

type LinkAccount = { id: string; email: string; emailKey: string };

/** Joins inside the caller's transaction with the invitation row locked, so two tabs give one membership. */
async function joinLocked(ctx: AppContext, tx: Db, token: string, account: LinkAccount, ip?: string) {
  const { invitation: inv, replaced } = await requireJoinLink(tx, token, true);
  const now = ctx.clock.now();
  const state = stateOf(inv, replaced, now);
  const groupId = inv.groupIds[0] ?? null;
  if (state === 'accepted' && inv.accountId === account.id) return { orgId: inv.orgId, groupId, alreadyAccepted: true };
  if (state !== 'open') throw closedError(state);
  if (inv.emailKey !== account.emailKey) {
    throw new AppError(
      403,
      'email_mismatch',
      `This link was sent to ${inv.email}, and you are signed in as ${account.email}. Sign out and continue with ${inv.email}.`,
      { invitedEmail: inv.email },
    );
  }
  const [membership] = await tx
    .select({ status: memberships.status })
    .from(memberships)
    .where(and(eq(memberships.orgId, inv.orgId), eq(memberships.accountId, account.id)));
  if (membership?.status === 'archived') {
    throw new AppError(403, 'membership_archived', 'Your membership of this organization was archived. Ask your manager to restore it.');
  }
  const joined = await joinOrganization(tx, {
    orgId: inv.orgId,
    accountId: account.id,
    emailKey: account.emailKey,
    role: inv.role,
    source: 'join_page',
    groupIds: inv.groupIds,
    now,
  });
  await tx
    .update(invitations)
    .set({ status: 'active', acceptedAt: now.toISOString(), accountId: account.id, updatedAt: sql`now()` })
    .where(eq(invitations.id, inv.id));
  await recordAudit(tx, {
    orgId: inv.orgId,
    actor: { id: account.id, email: account.email },
    action: 'joinpage.joined',
    targetType: 'invitation',
    targetId: inv.id,
    ip,
    data: { groupIds: inv.groupIds, locationId: inv.locationId, role: joined.role, newMember: joined.created },
  });
  if (joined.created)
    await recordEvent(tx, ctx.jobs, inv.orgId, 'member.joined', {
      accountId: account.id,
      email: account.email,
      role: joined.role,
      groupIds: inv.groupIds,
      source: 'join_page',
    }); // issue 12: webhook
  return { orgId: inv.orgId, groupId, alreadyAccepted: false };
}

/** The signed-in person confirms; the account's address must be the one the link was sent to. */
export async function acceptJoinLink(ctx: AppContext, o: { token: string; account: AuthAccount; ip?: string }) {
  return ctx.db.transaction(async (tx) => {
    const acc = one(await tx.select().from(accounts).where(eq(accounts.id, o.account.id)), 'account');
    return joinLocked(ctx, tx, o.token, acc, o.ip);
  });
}

/** A new person registers from the link: the address is the one the link was sent to (the link proves it), then joins. */
export async function registerFromJoinLink(
  ctx: AppContext,
  o: { token: string; name: string; password: string; locale?: string; ip?: string },
) {
  const passwordHash = await hashPassword(o.password);
  return ctx.db.transaction(async (tx) => {
    const { invitation: inv, replaced } = await requireJoinLink(tx, o.token, true);
    const state = stateOf(inv, replaced, ctx.clock.now());
    if (state !== 'open') throw closedError(state);
    const account = await insertProvenAccount(tx, {
      email: inv.email,
      emailKey: inv.emailKey,
      name: o.name,
      passwordHash,
      locale: o.locale,
      now: ctx.clock.now(),
      signInTo: 'join',
    });
    const res = await joinLocked(ctx, tx, o.token, account, o.ip);
    await auditAccountEvent(tx, account, 'account.registered_from_join_page', { ip: o.ip });
    return { ...res, accountId: account.id };
  });
}
