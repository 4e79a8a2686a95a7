import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { accounts, invitations, organizations } from '../../db/schema.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError, notFound } from '../../http/errors.js';
import { hashPassword } from '../../lib/passwords.js';
import { queryRows } from '../../lib/sql.js';
import { findAccount } from '../accounts/accounts.service.js';
import { admitProvenAddress, type Person } from '../admission/admission.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { findLink, type LinkState, linkState, markLinkAccepted } from './links.service.js';
import { one } from '../../lib/rows.js';
import { dropQueuedReminders } from './reminders.service.js';
import { recordEvent } from '../webhooks/events.service.js';

const CLOSED: Record<Exclude<LinkState, 'open' | 'accepted'>, [number, string]> = {
  declined: [410, 'You declined this invitation. Ask your manager for a new one if you changed your mind.'],
  cancelled: [410, 'This invitation was cancelled. Ask your manager for a new invitation.'],
  expired: [410, 'This invitation has expired. Ask your manager for a new invitation.'],
  replaced: [410, 'A newer invitation replaced this link. Use the link in the most recent email.'],
};

function closedError(state: LinkState): AppError {
  if (state === 'accepted') return new AppError(409, 'already_accepted', 'This invitation was already accepted.');
  const [status, message] = CLOSED[state as keyof typeof CLOSED];
  return new AppError(status, `invitation_${state}`, message);
}

async function requireLink(db: Db, token: string, lock = false) {
  const found = await findLink(db, token, { lock });
  // Join-page links have their own pages and checks (page on, allow-list): they are not invitations here.
  if (!found || found.invitation.kind === 'join_page')
    throw new AppError(404, 'invitation_not_found', 'This invitation link is not valid. Check that you copied the whole link.');
  return found;
}

/** What the invited person sees before signing in: organization, groups, inviter, and the link's state. */
export async function viewInvitation(ctx: AppContext, token: string) {
  const tokenPath = encodeURIComponent(token);
  const { invitation: inv, replaced } = await requireLink(ctx.db, token);
  const org = one(await ctx.db.select().from(organizations).where(eq(organizations.id, inv.orgId)), 'organization');
  const groups = inv.groupIds.length
    ? await queryRows<{ id: string; name: string; welcomeMessage: string | null; hasLogo: boolean }>(
        ctx.db,
        sql`SELECT id, name, welcome_message AS "welcomeMessage", logo_key IS NOT NULL AS "hasLogo" FROM groups WHERE org_id = ${inv.orgId} AND id = ANY(string_to_array(${inv.groupIds.join(',')}, ',')::uuid[]) ORDER BY name`,
      )
    : [];
  const [inviter] = inv.invitedBy ? await ctx.db.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, inv.invitedBy)) : [];
  const [existing] = await ctx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.emailKey, inv.emailKey));
  return {
    state: linkState(inv, replaced, ctx.clock.now()),
    kind: inv.kind as 'email' | 'passcode' | 'join_page' | 'session',
    email: inv.email,
    accountExists: Boolean(existing),
    organization: { id: org.id, name: org.name, slug: org.slug },
    groups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      welcomeMessage: g.welcomeMessage,
      logoUrl: g.hasLogo ? `/api/v1/invitations/${tokenPath}/groups/${g.id}/logo` : null,
    })),
    inviter: { name: inviter?.name ?? null },
    message: inv.message,
  };
}

type Who = { accountId: string } | { register: { name: string; passwordHash: string; locale?: string } };

/** Accepts inside a transaction: the invitation row is locked, so two tabs give one membership. */
async function acceptLocked(ctx: AppContext, tx: Db, token: string, who: Who, ip?: string) {
  const { invitation: inv, replaced } = await requireLink(tx, token, true);
  const now = ctx.clock.now();
  const state = linkState(inv, replaced, now);
  const account = 'accountId' in who ? await findAccount({ db: tx }, who.accountId) : null;
  if ('accountId' in who && !account) throw notFound('Account');
  if (state === 'accepted' && account && inv.accountId === account.id)
    return { orgId: inv.orgId, alreadyAccepted: true, accountId: account.id };
  if (state !== 'open') throw closedError(state);
  if (account && inv.emailKey !== account.emailKey) {
    throw new AppError(
      403,
      'email_mismatch',
      `This invitation was sent to ${inv.email}, and you are signed in as ${account.email}. Sign out and continue with the invited address.`,
      { invitedEmail: inv.email },
    );
  }
  const person: Person =
    'register' in who
      ? { kind: 'register', ...who.register, signInTo: 'accept', registeredAction: 'account.registered_from_invitation' }
      : { kind: 'account', account: account! };
  const admitted = await admitProvenAddress(tx, {
    address: { email: inv.email, emailKey: inv.emailKey },
    person,
    grant: {
      orgId: inv.orgId,
      role: inv.role,
      source: inv.kind === 'session' ? 'session' : 'invitation',
      groupIds: inv.groupIds,
      locationId: inv.locationId,
      sessionId: inv.sessionId,
      archived: 'restore',
    },
    proof: { action: 'invitation.accepted', targetType: 'invitation', targetId: inv.id, ip },
    now,
    jobs: ctx.jobs,
  });
  await markLinkAccepted(tx, { invitationId: inv.id, accountId: admitted.accountId, now });
  await dropQueuedReminders(tx, inv.id);
  // issue 12: webhooks
  await recordEvent(tx, ctx.jobs, inv.orgId, 'invitation.accepted', {
    invitationId: inv.id,
    accountId: admitted.accountId,
    email: inv.email,
  });
  if (admitted.newMember)
    await recordEvent(tx, ctx.jobs, inv.orgId, 'member.joined', {
      accountId: admitted.accountId,
      email: inv.email,
      role: admitted.role,
      groupIds: inv.groupIds,
      source: 'invitation',
    });
  return { orgId: inv.orgId, alreadyAccepted: false, accountId: admitted.accountId };
}

/** The signed-in person accepts; the address must be the invited one and the role comes from the invitation. */
export async function acceptInvitation(ctx: AppContext, o: { token: string; account: AuthAccount; ip?: string }) {
  return ctx.db.transaction(async (tx) => {
    const { orgId, alreadyAccepted } = await acceptLocked(ctx, tx, o.token, { accountId: o.account.id }, o.ip);
    return { orgId, alreadyAccepted };
  });
}

/** A new person registers from the link: the address is the invited one (the link proves it), then accepts. */
export async function registerAndAccept(
  ctx: AppContext,
  o: { token: string; name: string; password: string; locale?: string; ip?: string },
) {
  const passwordHash = await hashPassword(o.password);
  return ctx.db.transaction((tx) => acceptLocked(ctx, tx, o.token, { register: { name: o.name, passwordHash, locale: o.locale } }, o.ip));
}

/** Declining is one click and needs no account. */
export async function declineInvitation(ctx: AppContext, o: { token: string; ip?: string }) {
  await ctx.db.transaction(async (tx) => {
    const { invitation: inv, replaced } = await requireLink(tx, o.token, true);
    const state = linkState(inv, replaced, ctx.clock.now());
    if (state === 'declined') return;
    if (state !== 'open') throw closedError(state);
    await tx
      .update(invitations)
      .set({ status: 'declined', declinedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(invitations.id, inv.id));
    await dropQueuedReminders(tx, inv.id);
    await recordAudit(tx, {
      orgId: inv.orgId,
      action: 'invitation.declined',
      targetType: 'invitation',
      targetId: inv.id,
      ip: o.ip,
      data: { email: inv.email },
    });
    await recordEvent(tx, ctx.jobs, inv.orgId, 'invitation.declined', { invitationId: inv.id, email: inv.email }); // issue 12: webhook
  });
}
