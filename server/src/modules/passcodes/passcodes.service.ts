import { and, desc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { isCheckViolation, isUniqueViolation } from '../../db/errors.js';
import { organizations, passcodes } from '../../db/schema.js';
import { type GroupScope, invitationInScope } from '../../http/group-scope.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import { hashToken } from '../../lib/tokens.js';
import { queueEmails } from '../../mail/outbox.js';
import { changeWithAuditSql, recordAudit } from '../audit/audit.service.js';
import { queryRows, tsParam } from '../../lib/sql.js';
import { type Actor, assertCanGrant, requireGroups } from '../members/members.service.js';
import { type JoinPreparation, joinAlongside, joinOrganization, joinPreparationSql } from '../members/membership.service.js';
import { hasSubscribers, holdEvents, recordEvent, recordHeldEvents } from '../webhooks/events.service.js';
import { one } from '../../lib/rows.js';

/** Passcodes compare case-insensitively: the stored hash is of the upper-cased code. */
export const passcodeHash = (code: string) => hashToken(code.trim().toUpperCase());

const taken = () =>
  conflict('passcode_taken', 'This passcode is already in use; choose another.', { fields: { passcode: 'Already in use.' } });

/** Creates a passcode invitation with a registration cap; the copy email (if asked) carries the passcode and the join link. */
export async function createPasscode(
  ctx: AppContext,
  o: {
    actor: Actor;
    orgId: string;
    name: string;
    passcode: string;
    capacity: number;
    groupIds: string[];
    role: string;
    message?: string;
    sendCopyToMe: boolean;
  },
) {
  if (o.groupIds.length === 0)
    throw new AppError(422, 'groups_required', 'Choose at least one group.', { fields: { groupIds: 'Choose at least one group.' } });
  assertCanGrant(o.actor.role, o.role);
  const groupIds = await requireGroups(ctx, o.orgId, o.groupIds);
  try {
    return await ctx.db.transaction(async (tx) => {
      const row = one(
        await tx
          .insert(passcodes)
          .values({
            orgId: o.orgId,
            name: o.name,
            codeHash: passcodeHash(o.passcode),
            capacity: o.capacity,
            groupIds,
            role: o.role,
            message: o.message ?? null,
            createdBy: o.actor.id,
          })
          .returning(),
        'passcodes',
      );
      if (o.sendCopyToMe) {
        const org = one(
          await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, o.orgId)),
          'organization',
        );
        await queueEmails(tx, ctx.jobs, [
          {
            to: o.actor.email,
            template: 'passcode-copy',
            locale: o.actor.locale,
            orgId: o.orgId,
            params: {
              name: o.name,
              passcode: o.passcode,
              capacity: o.capacity,
              orgName: org.name,
              inviterName: o.actor.name,
              message: o.message ?? null,
            },
          },
        ]);
      }
      await recordAudit(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: 'passcode.created',
        targetType: 'passcode',
        targetId: row.id,
        ip: o.actor.ip,
        data: { name: o.name, capacity: o.capacity, groupIds },
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw taken();
    throw err;
  }
}

export async function listPasscodes(ctx: AppContext, o: { orgId: string; scope: GroupScope }) {
  return ctx.db
    .select()
    .from(passcodes)
    .where(and(eq(passcodes.orgId, o.orgId), invitationInScope(o.scope, sql`${passcodes.groupIds}`)))
    .orderBy(desc(passcodes.createdAt));
}

export async function getPasscode(ctx: AppContext, o: { orgId: string; passcodeId: string }) {
  const [row] = await ctx.db
    .select()
    .from(passcodes)
    .where(and(eq(passcodes.orgId, o.orgId), eq(passcodes.id, o.passcodeId)));
  if (!row) throw notFound('Passcode');
  return row;
}

/** Renames, disables/re-enables or changes the cap (never below the registrations already used). */
export async function updatePasscode(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; passcodeId: string; name?: string; enabled?: boolean; capacity?: number },
) {
  try {
    return await ctx.db.transaction(async (tx) => {
      const [cur] = await tx
        .select()
        .from(passcodes)
        .where(and(eq(passcodes.orgId, o.orgId), eq(passcodes.id, o.passcodeId)))
        .for('update');
      if (!cur) throw notFound('Passcode');
      if (o.capacity !== undefined && o.capacity < cur.used)
        throw new AppError(422, 'capacity_below_used', `${cur.used} people already registered; the cap cannot be lower.`, {
          fields: { capacity: `At least ${cur.used}.` },
        });
      const row = one(
        await tx
          .update(passcodes)
          .set({
            ...(o.name ? { name: o.name } : {}),
            ...(o.enabled !== undefined ? { enabled: o.enabled } : {}),
            ...(o.capacity ? { capacity: o.capacity } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(passcodes.id, cur.id))
          .returning(),
        'passcodes',
      );
      await recordAudit(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: 'passcode.updated',
        targetType: 'passcode',
        targetId: cur.id,
        ip: o.actor.ip,
        data: { name: o.name, enabled: o.enabled, capacity: o.capacity },
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw taken();
    throw err;
  }
}

/** Who joined with a passcode, newest first. */
export async function listRedemptions(ctx: AppContext, o: { orgId: string; passcodeId: string }) {
  await getPasscode(ctx, o);
  return queryRows<{ accountId: string | null; email: string; name: string | null; joinedAt: string | null }>(
    ctx.db,
    sql`SELECT i.account_id AS "accountId", i.email, a.name, i.accepted_at AS "joinedAt"
        FROM invitations i LEFT JOIN accounts a ON a.id = i.account_id
        WHERE i.org_id = ${o.orgId} AND i.passcode_id = ${o.passcodeId} ORDER BY i.accepted_at DESC LIMIT 1000`,
  );
}

/**
 * Redeems a passcode for the signed-in account. The seat is taken by one UPDATE that the table's
 * CHECK (used <= capacity) refuses past the cap, so concurrent redemptions never exceed it; a second
 * redemption by the same account takes no seat. That UPDATE comes last, after the membership, its
 * groups and events are written, and is sent with the COMMIT in one round trip: the passcode's row
 * stays locked for that statement and the commit only, so redemptions of one passcode queue on each
 * other for a moment, not for their whole transaction. When no seat is left, the CHECK refuses, and
 * everything this redemption wrote is rolled back with the 409.
 */
export async function redeemPasscode(ctx: AppContext, o: { account: AuthAccount; passcode: string; ip?: string }) {
  const now = ctx.clock.now();
  const full = () =>
    new AppError(409, 'capacity_reached', 'This passcode has reached its number of registrations. Ask your manager for another way in.');
  let answer: { orgId: string; orgName: string; groupIds: string[]; alreadyRedeemed: boolean } | undefined;
  try {
    await ctx.database.transactionEndingWith(async (tx) => {
      // The passcode, its organization's name and the account, the redemption's record (none when this
      // account already redeemed it), and what the join locks and needs to know (joinPreparationSql), in
      // one round trip (with the BEGIN).
      const [found] = await queryRows<{
        pc: { id: string; orgId: string; capacity: number; used: number; groupIds: string[]; role: string };
        orgName: string;
        acc: { id: string; email: string; emailKey: string };
        inserted: boolean;
        ready: JoinPreparation;
      }>(
        tx,
        sql`WITH f AS (
              SELECT p.id, p.org_id, p.capacity, p.used, p.group_ids, p.role, o.name AS org_name, a.id AS account_id, a.email, a.email_key
              FROM passcodes p JOIN organizations o ON o.id = p.org_id JOIN accounts a ON a.id = ${o.account.id}
              WHERE p.code_hash = ${passcodeHash(o.passcode)} AND p.enabled
            ), ins AS (
              INSERT INTO invitations (org_id, kind, email, email_key, status, role, group_ids, passcode_id, account_id, accepted_at, created_at)
              SELECT f.org_id, 'passcode', f.email, f.email_key, 'active', f.role, f.group_ids, f.id, f.account_id, ${tsParam(now)}, ${tsParam(now)}
              FROM f
              ON CONFLICT (passcode_id, account_id) WHERE passcode_id IS NOT NULL DO NOTHING RETURNING id
            )
            SELECT json_build_object('id', f.id, 'orgId', f.org_id, 'capacity', f.capacity, 'used', f.used, 'groupIds', f.group_ids, 'role', f.role) AS pc,
                   f.org_name AS "orgName", json_build_object('id', f.account_id, 'email', f.email, 'emailKey', f.email_key) AS acc,
                   EXISTS (SELECT 1 FROM ins) AS inserted, ${joinPreparationSql(sql`f.org_id`, sql`f.group_ids`)} AS ready
            FROM f`,
      );
      if (!found) throw new AppError(404, 'passcode_invalid', 'This passcode is not valid. Check it with the person who gave it to you.');
      const { pc, acc, orgName } = found;
      answer = { orgId: pc.orgId, orgName, groupIds: pc.groupIds, alreadyRedeemed: !found.inserted };
      if (!found.inserted) return null;
      if (pc.used >= pc.capacity) throw full(); // already full when read: no need to write anything (the UPDATE decides)
      // The seat and its audit event in one statement. A disabled passcode still counts a redemption
      // that read it enabled (it came first).
      const seat = changeWithAuditSql(
        sql`UPDATE passcodes SET used = used + 1 WHERE id = ${pc.id} RETURNING used`,
        sql`jsonb_build_object('used', c.used)`,
        {
          orgId: pc.orgId,
          actor: { id: acc.id, email: acc.email },
          action: 'passcode.redeemed',
          targetType: 'passcode',
          targetId: pc.id,
          ip: o.ip,
          data: { capacity: pc.capacity },
        },
      );
      const join = {
        orgId: pc.orgId,
        accountId: acc.id,
        emailKey: acc.emailKey,
        role: pc.role,
        source: 'passcode' as const,
        groupIds: pc.groupIds,
        now,
        jobs: ctx.jobs,
        prepared: found.ready,
      };
      // Nothing limits, rules or listens to this organization's joins: the join's statements go with
      // the seat and the COMMIT, in one round trip.
      const alongside = joinAlongside(tx, join);
      if (alongside) return { with: alongside, last: seat };
      // issue 12: webhooks. The join's events are held and recorded in the order a receiver expects
      // (the person joins, then is enrolled).
      const { events } = await holdEvents(async () => {
        const joined = await joinOrganization(tx, join);
        await recordEvent(tx, ctx.jobs, pc.orgId, 'member.joined', {
          accountId: acc.id,
          email: acc.email,
          role: joined.role,
          groupIds: pc.groupIds,
          source: 'passcode',
        });
      });
      await recordHeldEvents(tx, ctx.jobs, pc.orgId, events);
      // Someone listens for the cap being reached: the event must be written after the seat, in the
      // same transaction (one round trip more while the row is locked). Otherwise the seat goes with the COMMIT.
      if (!(await hasSubscribers(tx, pc.orgId, 'passcode.capacity_reached'))) return seat;
      const [taken] = await queryRows<{ used: number }>(tx, seat);
      if (taken && taken.used >= pc.capacity)
        await recordEvent(tx, ctx.jobs, pc.orgId, 'passcode.capacity_reached', { passcodeId: pc.id, capacity: pc.capacity });
      return null;
    });
  } catch (err) {
    if (isCheckViolation(err, 'passcodes_used_check')) throw full();
    throw err;
  }
  return answer!;
}
