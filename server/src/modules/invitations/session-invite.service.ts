import { sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { invitations } from '../../db/schema.js';
import { AppError, notFound } from '../../http/errors.js';
import { queueEmails } from '../../mail/outbox.js';
import { recordAudit } from '../audit/audit.service.js';
import { queryRows } from '../../lib/sql.js';
import type { Actor } from '../members/members.service.js';
import { parseAddressList, type Skipped, screenAddresses } from './address-list.js';
import { type Invitation, issueTokens } from './invitations.repo.js';

/**
 * Invites existing members (by account id) or new addresses to one program session. The mail goes
 * out when the session opens (at once if it has opened); cancelling before then means nothing is sent.
 */
export async function inviteToSession(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; programId: string; sessionId: string; accountIds: string[]; emails: string[]; message?: string },
) {
  const now = ctx.clock.now();
  const [session] = await queryRows<{ id: string; opensAt: string; closesAt: string | null; title: string; orgName: string }>(
    ctx.db,
    sql`SELECT s.id, s.opens_at AS "opensAt", s.closes_at AS "closesAt", p.title, o.name AS "orgName"
        FROM program_sessions s JOIN programs p ON p.id = s.program_id JOIN organizations o ON o.id = s.org_id
        WHERE s.org_id = ${o.orgId} AND s.program_id = ${o.programId} AND s.id = ${o.sessionId}`,
  );
  if (!session) throw notFound('Session');
  if (session.closesAt && new Date(session.closesAt) <= now)
    throw new AppError(409, 'session_closed', 'This session is closed; invite people to a session that is scheduled or ongoing.');
  if (o.accountIds.length === 0 && o.emails.length === 0)
    throw new AppError(422, 'nobody_to_invite', 'Tick members or enter addresses.', {
      fields: { emails: 'Enter at least one address or tick a member.' },
    });

  const skipped: Skipped[] = [];
  const members = o.accountIds.length
    ? await queryRows<{ email: string; key: string; id: string }>(
        ctx.db,
        sql`SELECT a.email, a.email_key AS key, a.id FROM accounts a JOIN memberships m ON m.account_id = a.id AND m.org_id = ${o.orgId} AND m.status = 'active'
            WHERE a.id = ANY(string_to_array(${o.accountIds.join(',')}, ',')::uuid[])`,
      )
    : [];
  for (const id of o.accountIds) if (!members.some((m) => m.id === id)) skipped.push({ email: id, reason: 'not_a_member' });
  const screened = screenAddresses([
    ...members.map((m) => ({ input: m.email, address: { email: m.email, key: m.key, domain: m.email.split('@')[1] ?? '' } })),
    ...parseAddressList(o.emails),
  ]);
  skipped.push(...screened.skipped);
  const sendAt = new Date(session.opensAt) > now ? new Date(session.opensAt) : null;

  return ctx.db.transaction(async (tx) => {
    const keys = screened.valid.map((a) => a.key);
    const busy = keys.length
      ? await queryRows<{ key: string; reason: 'already_enrolled' | 'already_invited'; id: string | null }>(
          tx,
          sql`SELECT a.email_key AS key, 'already_enrolled' AS reason, NULL::uuid AS id FROM enrolments e JOIN accounts a ON a.id = e.account_id
                WHERE e.session_id = ${o.sessionId} AND a.email_key = ANY(string_to_array(${keys.join('\u0001')}, E'\\x01'))
              UNION ALL
              SELECT email_key, 'already_invited', id FROM invitations
                WHERE org_id = ${o.orgId} AND session_id = ${o.sessionId} AND status IN ('prospect','pending') AND email_key = ANY(string_to_array(${keys.join('\u0001')}, E'\\x01'))`,
        )
      : [];
    const busyBy = new Map(busy.map((b) => [b.key, b]));
    const fresh = screened.valid.filter((a) => {
      const b = busyBy.get(a.key);
      if (b) skipped.push({ email: a.email, reason: b.reason, ...(b.id ? { invitationId: b.id } : {}) });
      return !b;
    });
    if (fresh.length === 0) return { items: [] as Invitation[], skipped };
    // Rows in address order: two concurrent requests over the same addresses take the unique index's
    // locks in the same order, so one waits for the other instead of both deadlocking.
    const ordered = [...fresh].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const position = new Map(fresh.map((a, i) => [a.key, i]));
    const inOrder = await tx
      .insert(invitations)
      .values(
        ordered.map((a) => ({
          orgId: o.orgId,
          kind: 'session',
          email: a.email,
          emailKey: a.key,
          role: 'learner',
          sessionId: o.sessionId,
          message: o.message ?? null,
          invitedBy: o.actor.id,
          sendAt: sendAt?.toISOString() ?? null,
          createdAt: now.toISOString(),
        })),
      )
      .onConflictDoNothing()
      .returning();
    const items = inOrder.sort((a, b) => (position.get(a.emailKey) ?? 0) - (position.get(b.emailKey) ?? 0));
    // A concurrent request that invited the same address to this session first: its invitation stands.
    const inserted = new Set(items.map((i) => i.emailKey));
    for (const a of fresh) if (!inserted.has(a.key)) skipped.push({ email: a.email, reason: 'already_invited' });
    if (items.length === 0) return { items, skipped };
    const tokens = await issueTokens(
      tx,
      items.map((i) => i.id),
    );
    await queueEmails(
      tx,
      ctx.jobs,
      items.map((inv) => ({
        to: inv.email,
        template: 'session-invitation',
        locale: o.actor.locale,
        orgId: o.orgId,
        refId: inv.id,
        params: {
          token: tokens.get(inv.id),
          orgName: session.orgName,
          inviterName: o.actor.name,
          email: inv.email,
          message: inv.message,
          programTitle: session.title,
          opensAt: new Date(session.opensAt).toISOString(),
        },
      })),
      { startAfter: sendAt ?? undefined },
    );
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'invitation.created',
      targetType: 'session',
      targetId: o.sessionId,
      ip: o.actor.ip,
      data: { kind: 'session', count: items.length, sendAt: sendAt?.toISOString() ?? null },
    });
    return { items, skipped };
  });
}
