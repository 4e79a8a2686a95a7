import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { AppError, notFound } from '../../http/errors.js';
import { canManageMember } from '../../http/permissions.js';
import { queueEmails } from '../../mail/outbox.js';
import { recordAudit } from '../audit/audit.service.js';
import { auditAccountEvent, findAccount, requireEmail } from './accounts.service.js';
import * as repo from './email-change.repo.js';
import { registerEmailChangeTemplates } from './email-change.mail.js';

registerEmailChangeTemplates();

/** How long the link to the new address works. */
export const EMAIL_CHANGE_TTL_MS = 24 * 3600_000;

type Actor = { id: string; email: string; name: string; ip?: string };
type Account = { id: string; email: string; emailKey: string; name: string; locale: string };
export type EmailChangeAnswer = { status: 'verification_sent'; email: string; expiresAt: string };

/**
 * Records the request and queues the mails, in the caller's transaction. The answer is the same whether
 * or not another account holds the new address (nobody learns who has an account): when it is taken,
 * that address gets a notice instead of a link, so the change can never be confirmed. The old address
 * is told either way.
 */
async function requestChange(
  tx: Db,
  ctx: AppContext,
  o: { account: Account; newEmail: string; actor: Actor; orgId: string | null; orgName: string | null },
): Promise<EmailChangeAnswer> {
  const addr = requireEmail(o.newEmail);
  if (addr.key === o.account.emailKey)
    throw new AppError(422, 'same_email', 'This is already the account’s address.', {
      fields: { email: 'This is already the account’s address.' },
    });
  const taken = await repo.addressTakenByOther(tx, addr.key, o.account.id);
  const expiresAt = new Date(ctx.clock.now().getTime() + EMAIL_CHANGE_TTL_MS);
  const { token } = await repo.insertEmailChange(tx, {
    accountId: o.account.id,
    oldEmail: o.account.email,
    newEmail: addr.email,
    newEmailKey: addr.key,
    requestedBy: o.actor.id,
    orgId: o.orgId,
    expiresAt,
  });
  const byAdmin = o.actor.id !== o.account.id;
  const signInFirst = byAdmin && !(await repo.ownedSolelyBy(tx, o.account.id, o.orgId));
  const common = { name: o.account.name, orgName: o.orgName ?? '', byAdmin, requesterName: o.actor.name };
  await queueEmails(tx, ctx.jobs, [
    taken
      ? { to: addr.email, template: 'email-change-in-use', locale: o.account.locale, orgId: o.orgId ?? undefined, params: {} }
      : {
          to: addr.email,
          template: 'email-change-confirm',
          locale: o.account.locale,
          orgId: o.orgId ?? undefined,
          params: { ...common, token, oldEmail: o.account.email, signInFirst },
        },
    {
      to: o.account.email,
      template: 'email-change-notice',
      locale: o.account.locale,
      orgId: o.orgId ?? undefined,
      params: { ...common, newEmail: addr.email },
    },
  ]);
  const data = { from: o.account.email, to: addr.email };
  if (o.orgId)
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'account.email_change_requested',
      targetType: 'account',
      targetId: o.account.id,
      ip: o.actor.ip,
      data,
    });
  else await auditAccountEvent(tx, o.account, 'account.email_change_requested', { ip: o.actor.ip }, data);
  return { status: 'verification_sent', email: addr.email, expiresAt: expiresAt.toISOString() };
}

/**
 * An admin (or a manager ranked above the member) changes a member's address: a managed account or one
 * that accepted. Another organization's account, or no member at all, is a 404.
 */
export async function requestMemberEmailChange(
  ctx: AppContext,
  o: { actor: Actor & { role: string }; orgId: string; accountId: string; email: string },
): Promise<EmailChangeAnswer> {
  requireEmail(o.email); // a bad address is a 422 before anything is looked up
  return ctx.db.transaction(async (tx) => {
    const member = await repo.findMemberAccount(tx, o.orgId, o.accountId);
    if (!member) throw notFound('Member');
    if (!canManageMember(o.actor.role, member.role))
      throw new AppError(
        403,
        'forbidden',
        `Your role (${o.actor.role}) cannot change the address of a member whose role is ${member.role}.`,
        { role: o.actor.role, targetRole: member.role },
        { key: 'errors.emailChange.rank', params: { role: o.actor.role, targetRole: member.role } },
      );
    return requestChange(tx, ctx, { account: member.account, newEmail: o.email, actor: o.actor, orgId: o.orgId, orgName: member.orgName });
  });
}

/** The person changes their own address from their account page. */
export async function requestOwnEmailChange(ctx: AppContext, o: { actor: Actor; email: string }): Promise<EmailChangeAnswer> {
  requireEmail(o.email);
  return ctx.db.transaction(async (tx) => {
    const account = await findAccount({ db: tx }, o.actor.id);
    if (!account) throw notFound('Account');
    return requestChange(tx, ctx, { account, newEmail: o.email, actor: o.actor, orgId: null, orgName: null });
  });
}

/** The address change waiting for confirmation, if any. */
export async function pendingEmailChange(ctx: AppContext, accountId: string) {
  return repo.findOpenEmailChange(ctx.db, accountId, ctx.clock.now());
}

/**
 * Confirms the new address with the link mailed to it (single use, 24 hours): the account moves to it,
 * its other sessions end, the audit log of each of its organizations records both addresses.
 *
 * A change an admin asked for moves an account that may be the person's own (they accepted an
 * invitation, or belong to other organizations too): holding the new mailbox is then not enough, or an
 * admin could point the account at an address of theirs and take it over. The person confirms while
 * signed in (with the old address). Only an account the organization created and that belongs to it
 * alone is confirmed from the link by itself.
 */
export async function confirmEmailChange(
  ctx: AppContext,
  o: { token: string; ip?: string; sessionAccountId: string | null; sessionHash: string | null },
): Promise<{ status: 'email_changed'; email: string }> {
  const now = ctx.clock.now();
  try {
    const result = await ctx.db.transaction(async (tx) => {
      const change = await repo.consumeEmailChange(tx, o.token, now);
      if (!change) return null;
      const byAdmin = change.requestedBy !== change.accountId;
      if (byAdmin && o.sessionAccountId !== change.accountId && !(await repo.ownedSolelyBy(tx, change.accountId, change.orgId)))
        throw new AppError(
          403,
          'sign_in_to_confirm',
          'Sign in with your current address first, then open the link again to confirm the new one.',
        );
      if (await repo.addressTakenByOther(tx, change.newEmailKey, change.accountId)) throw emailTaken();
      const account = await repo.moveAccountAddress(tx, change);
      if (!account) return null; // the address changed since the link was sent
      await repo.retireAuthTokens(tx, account.id);
      await repo.endSessionsExcept(tx, account.id, o.sessionAccountId === account.id ? o.sessionHash : null);
      await auditAccountEvent(tx, account, 'account.email_changed', o, {
        from: change.oldEmail,
        to: change.newEmail,
        requestedBy: change.requestedBy,
      });
      return { status: 'email_changed' as const, email: account.email };
    });
    if (result) return result;
  } catch (err) {
    // Two accounts racing for the same address: the database's unique key decides, nothing is written.
    if ((err as { code?: string }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505') throw emailTaken();
    throw err;
  }
  const row = await repo.peekEmailChange(ctx.db, o.token);
  if (row && !row.confirmedAt && !row.cancelledAt && new Date(row.expiresAt) <= now)
    throw new AppError(400, 'token_expired', 'This link has expired; ask for a new one.');
  throw new AppError(400, 'invalid_token', 'This link is not valid or was already used; ask for a new one.');
}

// Only the owner of the new mailbox reaches this (they hold the link), so saying the address is taken tells nobody else anything.
const emailTaken = () =>
  new AppError(409, 'email_taken', 'This address now belongs to another account; the change was not made.', {
    fields: { email: 'This address now belongs to another account.' },
  });
