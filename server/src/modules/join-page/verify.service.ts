import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { accounts, organizations } from '../../db/schema.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError, notFound } from '../../http/errors.js';
import { hashPassword } from '../../lib/passwords.js';
import { toIso } from '../../lib/time.js';
import { auditAccountEvent, findAccount, provenAccount } from '../accounts/accounts.service.js';
import { createJoinRequest } from '../join-requests/join-requests.service.js';
import { admitProvenAddress, type Person } from '../admission/admission.service.js';
import { findLink, linkState, markLinkAccepted } from '../invitations/links.service.js';
import { findEnabledOfOrg, offeredGroups, offeredLocations } from './join-page.repo.js';
import type { LINK_STATES } from './join-page.schemas.js';
import { brandingOf, unavailable } from './request.service.js';
import { recordEvent } from '../webhooks/events.service.js';
import { one } from '../../lib/rows.js';

// The link in the verification email. Opening it (GET) never acts: only the POSTs below do, signed in
// as the address the link was sent to, or registering that very address.

type LinkState = (typeof LINK_STATES)[number];

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
  const found = await findLink(db, token, { lock });
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
    state: linkState(inv, replaced, ctx.clock.now()),
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

type Who = { accountId: string } | { register: { name: string; passwordHash: string; locale?: string } };

/** Joins inside the caller's transaction with the invitation row locked, so two tabs give one membership. */
async function joinLocked(ctx: AppContext, tx: Db, token: string, who: Who, ip?: string) {
  const { invitation: inv, replaced, page } = await requireJoinLink(tx, token, true);
  const now = ctx.clock.now();
  const state = linkState(inv, replaced, now);
  const groupId = inv.groupIds[0] ?? null;
  const account = 'accountId' in who ? await findAccount({ db: tx }, who.accountId) : null;
  if ('accountId' in who && !account) throw notFound('Account');
  const status = page.requireApproval ? ('pending_approval' as const) : ('joined' as const);
  if (state === 'accepted' && account && inv.accountId === account.id)
    return { status, orgId: inv.orgId, groupId, alreadyAccepted: true, accountId: account.id };
  if (state !== 'open') throw closedError(state);
  if (account && inv.emailKey !== account.emailKey) {
    throw new AppError(
      403,
      'email_mismatch',
      `This link was sent to ${inv.email}, and you are signed in as ${account.email}. Sign out and continue with ${inv.email}.`,
      { invitedEmail: inv.email },
    );
  }
  if (page.requireApproval) {
    // issue 16: the address is proven, the person waits for an admin's approval (Learners → Requests).
    let requester = account;
    if ('register' in who) {
      const made = await provenAccount(tx, {
        email: inv.email,
        emailKey: inv.emailKey,
        mode: 'register',
        ...who.register,
        now,
        signInTo: 'join',
      });
      requester = made.account;
      await auditAccountEvent(tx, made.account, 'account.registered_from_join_page', { ip });
    }
    if (!requester) throw notFound('Account');
    await createJoinRequest(tx, {
      orgId: inv.orgId,
      account: requester,
      source: 'join_page',
      groupId,
      locationId: inv.locationId,
      locale: requester.locale,
      ip,
      now,
    });
    await markLinkAccepted(tx, { invitationId: inv.id, accountId: requester.id, now });
    return { status, orgId: inv.orgId, groupId, alreadyAccepted: false, accountId: requester.id };
  }
  const person: Person =
    'register' in who
      ? { kind: 'register', ...who.register, signInTo: 'join', registeredAction: 'account.registered_from_join_page' }
      : { kind: 'account', account: account! };
  const admitted = await admitProvenAddress(tx, {
    address: { email: inv.email, emailKey: inv.emailKey },
    person,
    grant: {
      orgId: inv.orgId,
      role: inv.role,
      source: 'join_page',
      groupIds: inv.groupIds,
      locationId: inv.locationId,
      archived: 'refuse',
    },
    proof: { action: 'joinpage.joined', targetType: 'invitation', targetId: inv.id, ip },
    now,
    jobs: ctx.jobs,
  });
  await markLinkAccepted(tx, { invitationId: inv.id, accountId: admitted.accountId, now });
  if (admitted.newMember)
    await recordEvent(tx, ctx.jobs, inv.orgId, 'member.joined', {
      accountId: admitted.accountId,
      role: admitted.role,
      groupIds: inv.groupIds,
      source: 'join_page',
    }); // issue 12: webhook
  return { status, orgId: inv.orgId, groupId, alreadyAccepted: false, accountId: admitted.accountId };
}

/** The signed-in person confirms; the account's address must be the one the link was sent to. */
export async function acceptJoinLink(ctx: AppContext, o: { token: string; account: AuthAccount; ip?: string }) {
  return ctx.db.transaction(async (tx) => {
    const { accountId: _, ...res } = await joinLocked(ctx, tx, o.token, { accountId: o.account.id }, o.ip);
    return res;
  });
}

/** A new person registers from the link: the address is the one the link was sent to (the link proves it), then joins. */
export async function registerFromJoinLink(
  ctx: AppContext,
  o: { token: string; name: string; password: string; locale?: string; ip?: string },
) {
  const passwordHash = await hashPassword(o.password);
  return ctx.db.transaction((tx) => joinLocked(ctx, tx, o.token, { register: { name: o.name, passwordHash, locale: o.locale } }, o.ip));
}
