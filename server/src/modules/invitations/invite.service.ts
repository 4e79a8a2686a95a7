import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { invitations, locations, organizations } from '../../db/schema.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { NormalizedEmail } from '../../lib/email-address.js';
import { queueEmails } from '../../mail/outbox.js';
import { recordAudit } from '../audit/audit.service.js';
import { queryRows } from '../../lib/sql.js';
import { type Actor, assertCanGrant, requireGroups } from '../members/members.service.js';
import { parseAddressList, type Skipped, screenAddresses } from './address-list.js';
import { type Invitation, issueTokens } from './invitations.repo.js';
import { recordBatchEvents } from '../webhooks/events.service.js';
import { one } from '../../lib/rows.js';
import { saveReminderOverride } from './reminders.service.js';
import type { ReminderOverride } from './reminders.schemas.js';

export type InviteRequest = {
  emails: string[];
  groupIds: string[];
  role: string;
  locationId?: string;
  message?: string;
  sendCopyToMe?: boolean;
  sendAt?: string;
  reminders?: ReminderOverride;
};

/** Above this many addresses, invitations are created by a background job. */
export const INLINE_LIMIT = 1000;

/** Checks what does not depend on the addresses: groups (at least one), location, role, send time. */
export async function validateInviteRequest(ctx: AppContext, o: { actor: Actor; orgId: string } & InviteRequest, db: Db = ctx.db) {
  if (o.groupIds.length === 0)
    throw new AppError(422, 'groups_required', 'Choose at least one group; create a group first if there is none.', {
      fields: { groupIds: 'Choose at least one group.' },
    });
  assertCanGrant(o.actor.role, o.role);
  const groupIds = await requireGroups(ctx, o.orgId, o.groupIds, 'groupIds', db);
  if (o.locationId) {
    const [loc] = await db
      .select()
      .from(locations)
      .where(sql`${locations.id} = ${o.locationId} AND ${locations.orgId} = ${o.orgId} AND ${locations.archivedAt} IS NULL`);
    if (!loc) throw invalidField('locationId', 'Unknown location.', 'unknown_location');
  }
  const now = ctx.clock.now();
  const sendAt = o.sendAt ? new Date(o.sendAt) : null;
  return { groupIds, sendAt: sendAt && sendAt > now ? sendAt : null, now };
}

/** Invites a list of addresses to groups; answers what was invited and, per address, what was skipped and why. */
export async function inviteByEmail(
  ctx: AppContext,
  o: { actor: Actor; orgId: string } & InviteRequest,
): Promise<{ items: Invitation[]; skipped: Skipped[] }> {
  const { groupIds, sendAt, now } = await validateInviteRequest(ctx, o);
  const { valid, skipped } = screenAddresses(parseAddressList(o.emails));
  return ctx.db.transaction(async (tx) => {
    const res = await createEmailInvitations(ctx, tx, { ...o, groupIds, sendAt, now, addresses: valid });
    await saveReminderOverride(tx, { orgId: o.orgId, invitationIds: res.items.map((i) => i.id), override: o.reminders });
    return { items: res.items, skipped: [...skipped, ...res.skipped] };
  });
}

/** The same inside the caller's transaction (provisioning writes a person in one transaction). */
export async function inviteByEmailIn(
  ctx: AppContext,
  tx: Db,
  o: { actor: Actor; orgId: string } & InviteRequest,
): Promise<{ items: Invitation[]; skipped: Skipped[] }> {
  const { groupIds, sendAt, now } = await validateInviteRequest(ctx, o, tx);
  const { valid, skipped } = screenAddresses(parseAddressList(o.emails));
  const res = await createEmailInvitations(ctx, tx, { ...o, groupIds, sendAt, now, addresses: valid });
  return { items: res.items, skipped: [...skipped, ...res.skipped] };
}

/** Set-based creation inside the caller's transaction: skips members and open invitations, writes rows, tokens and emails. */
export async function createEmailInvitations(
  ctx: AppContext,
  tx: Db,
  o: {
    actor: Actor;
    orgId: string;
    addresses: NormalizedEmail[];
    groupIds: string[];
    role: string;
    locationId?: string;
    message?: string;
    sendCopyToMe?: boolean;
    sendAt: Date | null;
    now: Date;
    replacesId?: string;
  },
): Promise<{ items: Invitation[]; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  if (o.addresses.length === 0) return { items: [], skipped };
  const keys = o.addresses.map((a) => a.key);
  const keyList = string(keys);
  const members = await queryRows<{ key: string }>(
    tx,
    sql`SELECT a.email_key AS key FROM accounts a JOIN memberships m ON m.account_id = a.id AND m.org_id = ${o.orgId} AND m.status = 'active' WHERE a.email_key = ANY(${keyList})`,
  );
  const open = await queryRows<{ key: string; id: string }>(
    tx,
    sql`SELECT email_key AS key, id FROM invitations WHERE org_id = ${o.orgId} AND email_key = ANY(${keyList}) AND kind = 'email'
          AND status IN ('prospect','pending') AND (expires_at IS NULL OR expires_at > ${o.now.toISOString()}::timestamptz)`,
  );
  const memberKeys = new Set(members.map((m) => m.key));
  const openByKey = new Map(open.map((r) => [r.key, r.id]));
  const fresh = o.addresses.filter((a) => {
    if (memberKeys.has(a.key)) skipped.push({ email: a.email, reason: 'already_member' });
    else if (openByKey.has(a.key)) skipped.push({ email: a.email, reason: 'already_invited', invitationId: openByKey.get(a.key) });
    else return true;
    return false;
  });
  if (fresh.length === 0) return { items: [], skipped };
  const listed = new Map(fresh.map((a, i) => [a.key, i]));
  // Inserted in one order by every request, so two requests with overlapping lists wait on each other, never deadlock.
  const ordered = [...fresh].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const org = one(await tx.select().from(organizations).where(eq(organizations.id, o.orgId)), 'organization');
  const expiresAt = org.invitationTtlDays
    ? new Date((o.sendAt ?? o.now).getTime() + org.invitationTtlDays * 86400_000).toISOString()
    : null;
  // An open invitation whose time ran out is expired now, so the fresh one may be the open one.
  await tx.execute(
    sql`UPDATE invitations SET status = 'expired', updated_at = now() WHERE org_id = ${o.orgId} AND kind = 'email' AND status IN ('prospect','pending')
          AND expires_at <= ${o.now.toISOString()}::timestamptz AND email_key = ANY(${string(fresh.map((a) => a.key))})`,
  );
  const items: Invitation[] = [];
  for (let i = 0; i < fresh.length; i += 2000) {
    // The unique index on open invitations settles a race with a concurrent request: its row wins, ours is skipped.
    const rows = await tx
      .insert(invitations)
      .values(
        ordered.slice(i, i + 2000).map((a) => ({
          orgId: o.orgId,
          kind: 'email',
          email: a.email,
          emailKey: a.key,
          role: o.role,
          locationId: o.locationId ?? null,
          groupIds: o.groupIds,
          message: o.message ?? null,
          sendCopyToMe: o.sendCopyToMe ?? false,
          invitedBy: o.actor.id,
          sendAt: o.sendAt?.toISOString() ?? null,
          expiresAt,
          replacesId: o.replacesId ?? null,
          createdAt: o.now.toISOString(),
        })),
      )
      .onConflictDoNothing()
      .returning();
    items.push(...rows);
  }
  items.sort((a, b) => (listed.get(a.emailKey) ?? 0) - (listed.get(b.emailKey) ?? 0));
  if (items.length < fresh.length) {
    const inserted = new Set(items.map((r) => r.emailKey));
    const lost = fresh.filter((a) => !inserted.has(a.key));
    const winners = await queryRows<{ key: string; id: string }>(
      tx,
      sql`SELECT email_key AS key, id FROM invitations WHERE org_id = ${o.orgId} AND kind = 'email' AND status IN ('prospect','pending')
            AND email_key = ANY(${string(lost.map((a) => a.key))})`,
    );
    const winnerOf = new Map(winners.map((w) => [w.key, w.id]));
    for (const a of lost) skipped.push({ email: a.email, reason: 'already_invited', invitationId: winnerOf.get(a.key) });
  }
  if (items.length === 0) return { items, skipped };
  // The newest invitation of an address is the one the members list shows.
  await tx.execute(
    sql`UPDATE invitations SET is_current = false WHERE org_id = ${o.orgId} AND is_current AND email_key = ANY(${string(items.map((r) => r.emailKey))})
          AND NOT (id = ANY(string_to_array(${items.map((r) => r.id).join(',')}, ',')::uuid[]))`,
  );
  await queueInvitationEmails(ctx, tx, { orgName: org.name, actor: o.actor, invitations: items, sendAt: o.sendAt });
  await recordAudit(tx, {
    orgId: o.orgId,
    actor: o.actor,
    action: 'invitation.created',
    targetType: 'invitation',
    targetId: items.length === 1 ? items[0]?.id : undefined,
    ip: o.actor.ip,
    data: { count: items.length, groupIds: o.groupIds, role: o.role, sendAt: o.sendAt?.toISOString() ?? null },
  });
  await recordBatchEvents(
    tx,
    ctx.jobs,
    o.orgId,
    'invitation.created',
    items.map((i) => ({ invitationId: i.id, email: i.email, role: i.role, groupIds: i.groupIds, sendAt: i.sendAt })),
  ); // issue 12: webhook
  return { items, skipped };
}

const string = (values: string[]) => sql`string_to_array(${values.join('\u0001')}, E'\\x01')`;

/** Issues tokens and queues one email per invitation (at its send time), plus one copy to the inviter when asked. */
export async function queueInvitationEmails(
  ctx: AppContext,
  tx: Db,
  o: { orgName: string; actor: Actor; invitations: Invitation[]; sendAt: Date | null },
) {
  if (o.invitations.length === 0) return;
  const tokens = await issueTokens(
    tx,
    o.invitations.map((i) => i.id),
  );
  const groupIds = [...new Set(o.invitations.flatMap((i) => i.groupIds))];
  const names = groupIds.length
    ? await queryRows<{ id: string; name: string }>(
        tx,
        sql`SELECT id, name FROM groups WHERE id = ANY(string_to_array(${groupIds.join(',')}, ',')::uuid[])`,
      )
    : [];
  const nameOf = new Map(names.map((g) => [g.id, g.name]));
  const params = (inv: Invitation) => ({
    orgName: o.orgName,
    inviterName: o.actor.name,
    email: inv.email,
    message: inv.message,
    groupNames: inv.groupIds.map((g) => nameOf.get(g)).filter(Boolean),
  });
  await queueEmails(
    tx,
    ctx.jobs,
    o.invitations.map((inv) => ({
      to: inv.email,
      template: 'invitation',
      locale: o.actor.locale,
      orgId: inv.orgId,
      refId: inv.id,
      params: { ...params(inv), token: tokens.get(inv.id) },
    })),
    { startAfter: o.sendAt ?? undefined },
  );
  const first = o.invitations[0];
  if (first?.sendCopyToMe) {
    await queueEmails(
      tx,
      ctx.jobs,
      [{ to: o.actor.email, template: 'invitation', locale: o.actor.locale, orgId: first.orgId, params: { ...params(first), copy: true } }],
      { startAfter: o.sendAt ?? undefined },
    );
  }
}
