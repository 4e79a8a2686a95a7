import { isUniqueViolation, pgErrorCode } from '../../db/errors.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { emails, invitations, organizations } from '../../db/schema.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import { normalizeEmail } from '../../lib/email-address.js';
import { queryRows, uuidArray } from '../../lib/sql.js';
import type { MailHook } from '../../mail/hooks.js';
import type { JobQueue } from '../../jobs/queue.js';
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
  return ctx.db.transaction((tx) => cancelInvitationsIn(ctx, tx, o));
}

/** The same inside the caller's transaction. */
export async function cancelInvitationsIn(
  ctx: AppContext,
  tx: Db,
  o: { actor: Actor; orgId: string; invitationIds: string[] },
): Promise<Invitation[]> {
  if (o.invitationIds.length === 0) return [];
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
  // Two requests reopening invitations of the same address at once: the second one's check ran before
  // the first committed, and the one-open-invitation-per-address index refuses it. Tried again, it sees
  // the first one's invitation and leaves that address alone.
  for (let attempt = 1; ; attempt++) {
    try {
      return await reopenAndSend(ctx, o);
    } catch (err) {
      // The same requests can also lock the same invitations in opposite orders: PostgreSQL then ends one (deadlock).
      if (!(isUniqueViolation(err) || pgErrorCode(err) === '40P01') || attempt >= 3) throw err;
    }
  }
}

async function reopenAndSend(ctx: AppContext, o: { actor: Actor; orgId: string; invitationIds: string[] }) {
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
          // Of several asked for one address, only its newest is reopened (one open per address).
          sql`${invitations.id} IN (SELECT DISTINCT ON (email_key) id FROM invitations
                WHERE org_id = ${o.orgId} AND id = ANY(string_to_array(${o.invitationIds.join(',')}, ',')::uuid[])
                ORDER BY email_key, created_at DESC)`,
          // Reopening one is refused while the address has another open invitation (one open per address).
          sql`NOT EXISTS (SELECT 1 FROM invitations o WHERE o.org_id = ${invitations.orgId} AND o.kind = 'email' AND o.email_key = ${invitations.emailKey}
                AND o.status IN ('prospect','pending') AND o.id <> ${invitations.id})`,
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

/**
 * Delivery updates the invitation (email invitations, program-session invitations and join-page
 * requests): prospect → pending once the SMTP server accepted the message; a failure is noted on it.
 */
export function invitationMailHooks(templates: string[], jobs?: JobQueue): MailHook {
  return {
    templates,
    async sent(tx, refIds) {
      const sent = await tx
        .update(invitations)
        .set({ status: 'pending', sentAt: sql`now()`, lastError: null, updatedAt: sql`now()` })
        .where(and(sql`${invitations.id} = ANY(${uuidArray(refIds)})`, eq(invitations.status, 'prospect')))
        .returning({ id: invitations.id, orgId: invitations.orgId, email: invitations.email });
      if (!jobs) return;
      // issue 12: invitation.delivered, one event per invitation or grouped when a chunk holds several.
      const byOrg = new Map<string, { invitationId: string; email: string }[]>();
      for (const i of sent) byOrg.set(i.orgId, [...(byOrg.get(i.orgId) ?? []), { invitationId: i.id, email: i.email }]);
      for (const [orgId, items] of byOrg) {
        const [only] = items;
        if (items.length === 1 && only) await recordEvent(tx, jobs, orgId, 'invitation.delivered', only);
        else await recordBatchEvents(tx, jobs, orgId, 'invitation.delivered', items);
      }
    },
    async failed(tx, failures) {
      await queryRows(
        tx,
        sql`UPDATE invitations i SET last_error = left(f.error, 500), updated_at = now()
            FROM jsonb_to_recordset(${JSON.stringify(failures)}::jsonb) AS f("refId" uuid, error text)
            WHERE i.id = f."refId" AND i.status = 'prospect'`,
      );
    },
  };
}
