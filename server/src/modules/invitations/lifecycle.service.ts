import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { emails, invitations, organizations } from '../../db/schema.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import { normalizeEmail } from '../../lib/email-address.js';
import { onEmailFailed, onEmailSent } from '../../mail/outbox.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../members/members.service.js';
import { requireEmail } from '../accounts/accounts.service.js';
import { createEmailInvitations, queueInvitationEmails } from './invite.service.js';
import { effectiveStatus, type Invitation } from './invitations.repo.js';
import { recordBatchEvents, recordEvent } from '../webhooks/events.service.js';
import { one } from '../../lib/rows.js';

const CANCELLABLE = ['prospect', 'pending'];
const RESENDABLE = ['prospect', 'pending', 'declined', 'expired'];

/** Cancels open invitations by id (one transaction); their links then say so, and unsent emails are dropped. */
export async function cancelInvitations(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; invitationIds: string[] },
): Promise<Invitation[]> {
  if (o.invitationIds.length === 0) return [];
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(invitations)
      .set({ status: 'cancelled', cancelledAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(invitations.orgId, o.orgId), inArray(invitations.id, o.invitationIds), inArray(invitations.status, CANCELLABLE)))
      .returning();
    const ids = rows.map((r) => r.id);
    if (ids.length) {
      await tx
        .update(emails)
        .set({ status: 'cancelled' })
        .where(and(inArray(emails.refId, ids), inArray(emails.status, ['queued', 'failed'])));
      await recordAudit(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: 'invitation.cancelled',
        targetType: 'invitation',
        targetId: ids.length === 1 ? ids[0] : undefined,
        ip: o.actor.ip,
        data: { count: ids.length, emails: rows.slice(0, 100).map((r) => r.email) },
      });
      await recordBatchEvents(
        tx,
        ctx.jobs,
        o.orgId,
        'invitation.cancelled',
        rows.map((r) => ({ invitationId: r.id, email: r.email })),
      ); // issue 12: webhook
    }
    return rows;
  });
}

/** Cancels one invitation; 404 for another organization's, 409 when it is no longer open. */
export async function cancelOne(ctx: AppContext, o: { actor: Actor; orgId: string; invitationId: string }) {
  const inv = await getInvitation(ctx, o);
  const [row] = await cancelInvitations(ctx, { ...o, invitationIds: [inv.id] });
  if (!row)
    throw conflict(
      'invitation_not_open',
      `This invitation is ${effectiveStatus(inv, ctx.clock.now())}; only prospect or pending invitations can be cancelled.`,
    );
  return row;
}

/** Cancels the open invitations of pasted addresses; says which matched and which did not. */
export async function cancelByEmails(ctx: AppContext, o: { actor: Actor; orgId: string; emails: string[] }) {
  const keys = new Map<string, string>();
  const unmatched: string[] = [];
  for (const e of o.emails) {
    const n = normalizeEmail(e);
    if (n) keys.set(n.key, e.trim());
    else unmatched.push(e.trim());
  }
  const open = keys.size
    ? await ctx.db
        .select({ id: invitations.id, key: invitations.emailKey })
        .from(invitations)
        .where(
          and(eq(invitations.orgId, o.orgId), inArray(invitations.emailKey, [...keys.keys()]), inArray(invitations.status, CANCELLABLE)),
        )
    : [];
  const cancelled = await cancelInvitations(ctx, { ...o, invitationIds: open.map((r) => r.id) });
  const matched = new Set(cancelled.map((r) => r.emailKey));
  for (const [key, input] of keys) if (!matched.has(key)) unmatched.push(input);
  return { cancelled: cancelled.map((r) => ({ email: r.email, invitationId: r.id })), notFound: unmatched };
}

export async function getInvitation(ctx: AppContext, o: { orgId: string; invitationId: string }) {
  const [inv] = await ctx.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, o.orgId), eq(invitations.id, o.invitationId)));
  if (!inv) throw notFound('Invitation');
  return inv;
}

/** Sends invitations again with fresh links; old links then say they were replaced. */
export async function resendInvitations(ctx: AppContext, o: { actor: Actor; orgId: string; invitationIds: string[] }) {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const org = one(await tx.select().from(organizations).where(eq(organizations.id, o.orgId)), 'organization');
    const expiresAt = org.invitationTtlDays ? new Date(now.getTime() + org.invitationTtlDays * 86400_000).toISOString() : null;
    const rows = await tx
      .update(invitations)
      .set({ status: 'prospect', expiresAt, sendAt: null, declinedAt: null, lastError: null, updatedAt: sql`now()` })
      .where(
        and(
          eq(invitations.orgId, o.orgId),
          inArray(invitations.id, o.invitationIds),
          inArray(invitations.status, RESENDABLE),
          eq(invitations.kind, 'email'),
        ),
      )
      .returning();
    if (rows.length === 0) return rows;
    await tx
      .update(emails)
      .set({ status: 'cancelled' })
      .where(
        and(
          inArray(
            emails.refId,
            rows.map((r) => r.id),
          ),
          inArray(emails.status, ['queued', 'failed']),
        ),
      );
    await queueInvitationEmails(ctx, tx, {
      orgName: org.name,
      actor: o.actor,
      invitations: rows.map((r) => ({ ...r, sendCopyToMe: false })),
      sendAt: null,
    });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'invitation.resent',
      targetType: 'invitation',
      targetId: rows.length === 1 ? rows[0]?.id : undefined,
      ip: o.actor.ip,
      data: { count: rows.length },
    });
    return rows;
  });
}

export async function resendOne(ctx: AppContext, o: { actor: Actor; orgId: string; invitationId: string }) {
  const inv = await getInvitation(ctx, o);
  const [row] = await resendInvitations(ctx, { ...o, invitationIds: [inv.id] });
  if (!row)
    throw conflict(
      'invitation_not_resendable',
      `This invitation is ${effectiveStatus(inv, ctx.clock.now())}; it cannot be sent again. Invite the address anew.`,
    );
  return row;
}

/** Changes the address of an open invitation: cancels it and invites the new address with the same settings, keeping the history. */
export async function changeAddress(ctx: AppContext, o: { actor: Actor; orgId: string; invitationId: string; email: string }) {
  const addr = requireEmail(o.email);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [inv] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.orgId, o.orgId), eq(invitations.id, o.invitationId)))
      .for('update');
    if (!inv) throw notFound('Invitation');
    if (!CANCELLABLE.includes(inv.status))
      throw conflict('invitation_not_open', 'Only a prospect or pending invitation can change its address.');
    await tx
      .update(invitations)
      .set({ status: 'cancelled', cancelledAt: sql`now()`, isCurrent: false, updatedAt: sql`now()` })
      .where(eq(invitations.id, inv.id));
    await tx
      .update(emails)
      .set({ status: 'cancelled' })
      .where(and(eq(emails.refId, inv.id), inArray(emails.status, ['queued', 'failed'])));
    const res = await createEmailInvitations(ctx, tx, {
      actor: o.actor,
      orgId: o.orgId,
      addresses: [addr],
      groupIds: inv.groupIds,
      role: inv.role,
      locationId: inv.locationId ?? undefined,
      message: inv.message ?? undefined,
      sendAt: inv.sendAt && new Date(inv.sendAt) > now ? new Date(inv.sendAt) : null,
      now,
      replacesId: inv.id,
    });
    if (!res.items[0]) {
      const reason = res.skipped[0]?.reason ?? 'already_invited';
      const why = reason === 'already_member' ? 'is already an active member' : 'already has an open invitation';
      throw new AppError(409, 'email_unavailable', `${addr.email} ${why}.`, { reason, fields: { email: `${addr.email} ${why}.` } });
    }
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'invitation.address_changed',
      targetType: 'invitation',
      targetId: res.items[0].id,
      ip: o.actor.ip,
      data: { from: inv.email, to: addr.email, replaces: inv.id },
    });
    return res.items[0];
  });
}

/** Delivery updates the invitation: prospect → pending once the SMTP server accepted the message. */
export function registerInvitationMailHooks(): void {
  for (const template of ['invitation', 'session-invitation']) {
    onEmailSent(template, async (ctx, email) => {
      if (!email.refId) return;
      const refId = email.refId;
      await ctx.db.transaction(async (tx) => {
        const sent = await tx
          .update(invitations)
          .set({ status: 'pending', sentAt: sql`now()`, lastError: null, updatedAt: sql`now()` })
          .where(and(eq(invitations.id, refId), eq(invitations.status, 'prospect')))
          .returning({ id: invitations.id, orgId: invitations.orgId, email: invitations.email });
        for (const i of sent) await recordEvent(tx, ctx.jobs, i.orgId, 'invitation.delivered', { invitationId: i.id, email: i.email }); // issue 12
      });
    });
    onEmailFailed(template, async (ctx, email, error) => {
      if (!email.refId) return;
      await ctx.db
        .update(invitations)
        .set({ lastError: error.slice(0, 500), updatedAt: sql`now()` })
        .where(and(eq(invitations.id, email.refId), eq(invitations.status, 'prospect')));
    });
  }
}
