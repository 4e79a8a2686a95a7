import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { accounts, invitations, organizations } from '../../db/schema.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { hashPassword } from '../../lib/passwords.js';
import { insertProvenAccount } from '../accounts/accounts.repo.js';
import { auditAccountEvent } from '../accounts/accounts.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { queryRows } from '../../lib/sql.js';
import { joinOrganization } from '../members/membership.js';
import { effectiveStatus, findByToken, type Invitation } from './invitations.repo.js';
import { recordEvent } from '../webhooks/events.service.js';
import { one } from '../../lib/rows.js';

export type LinkState = 'open' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'replaced';

const stateOf = (inv: Invitation, replaced: boolean, now: Date): LinkState => {
  const s = effectiveStatus(inv, now);
  if (s === 'active') return 'accepted';
  if (replaced) return 'replaced';
  if (s === 'prospect' || s === 'pending') return 'open';
  return s as LinkState;
};

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
  const found = await findByToken(db, token, { lock });
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
    state: stateOf(inv, replaced, ctx.clock.now()),
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

/** Accepts inside a transaction: the invitation row is locked, so two tabs give one membership. */
async function acceptLocked(ctx: AppContext, tx: Db, token: string, account: { id: string; email: string; emailKey: string }, ip?: string) {
  const { invitation: inv, replaced } = await requireLink(tx, token, true);
  const now = ctx.clock.now();
  const state = stateOf(inv, replaced, now);
  if (state === 'accepted' && inv.accountId === account.id) return { orgId: inv.orgId, alreadyAccepted: true };
  if (state !== 'open') throw closedError(state);
  if (inv.emailKey !== account.emailKey) {
    throw new AppError(
      403,
      'email_mismatch',
      `This invitation was sent to ${inv.email}, and you are signed in as ${account.email}. Sign out and continue with the invited address.`,
      { invitedEmail: inv.email },
    );
  }
  await joinOrganization(tx, {
    orgId: inv.orgId,
    accountId: account.id,
    emailKey: account.emailKey,
    role: inv.role,
    source: inv.kind === 'session' ? 'session' : 'invitation',
    groupIds: inv.groupIds,
    now,
  });
  if (inv.sessionId) {
    await tx.execute(
      sql`INSERT INTO enrolments (org_id, session_id, account_id, created_at) VALUES (${inv.orgId}, ${inv.sessionId}, ${account.id}, ${now.toISOString()}::timestamptz) ON CONFLICT DO NOTHING`,
    );
  }
  await tx
    .update(invitations)
    .set({ status: 'active', acceptedAt: now.toISOString(), accountId: account.id, updatedAt: sql`now()` })
    .where(eq(invitations.id, inv.id));
  await recordAudit(tx, {
    orgId: inv.orgId,
    actor: { id: account.id, email: account.email },
    action: 'invitation.accepted',
    targetType: 'invitation',
    targetId: inv.id,
    ip,
    data: { role: inv.role, groupIds: inv.groupIds },
  });
  // issue 12: webhooks
  await recordEvent(tx, ctx.jobs, inv.orgId, 'invitation.accepted', { invitationId: inv.id, accountId: account.id, email: account.email });
  await recordEvent(tx, ctx.jobs, inv.orgId, 'member.joined', {
    accountId: account.id,
    email: account.email,
    role: inv.role,
    groupIds: inv.groupIds,
    source: 'invitation',
  });
  return { orgId: inv.orgId, alreadyAccepted: false };
}

/** The signed-in person accepts; the address must be the invited one and the role comes from the invitation. */
export async function acceptInvitation(ctx: AppContext, o: { token: string; account: AuthAccount; ip?: string }) {
  return ctx.db.transaction(async (tx) => {
    const acc = one(await tx.select().from(accounts).where(eq(accounts.id, o.account.id)), 'account');
    return acceptLocked(ctx, tx, o.token, acc, o.ip);
  });
}

/** A new person registers from the link: the address is the invited one (the link proves it), then accepts. */
export async function registerAndAccept(
  ctx: AppContext,
  o: { token: string; name: string; password: string; locale?: string; ip?: string },
) {
  const passwordHash = await hashPassword(o.password);
  return ctx.db.transaction(async (tx) => {
    const { invitation: inv, replaced } = await requireLink(tx, o.token, true);
    const state = stateOf(inv, replaced, ctx.clock.now());
    if (state !== 'open') throw closedError(state);
    const account = await insertProvenAccount(tx, {
      email: inv.email,
      emailKey: inv.emailKey,
      name: o.name,
      passwordHash,
      locale: o.locale,
      now: ctx.clock.now(),
      signInTo: 'accept',
    });
    await auditAccountEvent(tx, account, 'account.registered_from_invitation', { ip: o.ip });
    const res = await acceptLocked(ctx, tx, o.token, account, o.ip);
    return { ...res, accountId: account.id };
  });
}

/** Declining is one click and needs no account. */
export async function declineInvitation(ctx: AppContext, o: { token: string; ip?: string }) {
  await ctx.db.transaction(async (tx) => {
    const { invitation: inv, replaced } = await requireLink(tx, o.token, true);
    const state = stateOf(inv, replaced, ctx.clock.now());
    if (state === 'declined') return;
    if (state !== 'open') throw closedError(state);
    await tx
      .update(invitations)
      .set({ status: 'declined', declinedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(invitations.id, inv.id));
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
