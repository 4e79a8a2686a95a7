import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { AppError } from '../../http/errors.js';
import { queueEmails } from '../../mail/outbox.js';
import { type IdsRef, queryRows, uuidArray } from '../../lib/sql.js';
import { groupSeatsUsedSql, lockLimits, markAlert, orgSeatsUsedSql, overfullGroups, seatAdmins, usage, writeLimit } from './seats.repo.js';

// Seats (issue 16): an organization, and optionally a group, may limit how many active learners and
// guests it has. Every way in locks the limit rows it is subject to, then adds the membership in a
// statement that counts (or checks the count under that lock), so concurrent ways in never exceed it.

export { SEAT_ROLES } from './seats.repo.js';
/** Locks what lockSeats locks, inside a statement that prepares a join: JSON `{orgLimit, groupLimits}`. */
export { lockedLimitsSql as lockSeatsSql } from './seats.repo.js';
export const takesSeat = (role: string) => role === 'learner' || role === 'guest';

export const seatsFull = (scope: 'organization' | 'group', details: Record<string, unknown> = {}) =>
  new AppError(
    409,
    'seats_full',
    scope === 'organization'
      ? 'This organization has no free seat left. Ask its administrator to free a seat or raise the limit.'
      : 'This group has no free seat left. Ask its administrator to free a seat or raise the limit.',
    { scope, ...details },
  );

/**
 * Locks the organization's limit and the given groups' (when set) and returns the organization's
 * limit. Call it before the statement that adds memberships, in the same transaction.
 */
export async function lockSeats(tx: Db, orgId: string, groupIds: readonly string[] = []): Promise<{ orgLimit: number | null }> {
  const rows = await lockLimits(tx, orgId, groupIds);
  return { orgLimit: rows.find((r) => r.groupId === null)?.seatLimit ?? null };
}

/**
 * A condition true when one more seat-taking member fits in the organization (under the lock that
 * lockSeats took). `role` is the SQL of the role the member will have.
 */
export function orgSeatFits(orgId: string, orgLimit: number | null, role: SQL): SQL {
  if (orgLimit === null) return sql`true`;
  return sql`(${role} NOT IN ('learner', 'guest') OR ${orgSeatsUsedSql(orgId)} < ${orgLimit})`;
}

/**
 * Locks the limits of the given groups (and the organization's own when `withOrganization`: one
 * statement, in the order every way in locks them) for the rest of the transaction, and returns the
 * free seats of each limited one under that lock: for a change that admits many people at once, row
 * by row (an import), which skips the rows beyond them. `groupIds` may be a subquery (the groups a
 * file names), read only when the organization has a limited group.
 */
export async function lockGroupSeatsLeft(
  tx: Db,
  orgId: string,
  o: { groupIds: IdsRef; withOrganization: boolean },
): Promise<{ groupId: string; free: number }[]> {
  // Most organizations limit no group: then the groups' ids (a subquery over a large file, maybe) are not read.
  const [some] = await queryRows<{ limited: boolean }>(
    tx,
    sql`SELECT EXISTS (SELECT 1 FROM seat_limits WHERE org_id = ${orgId} AND group_id IS NOT NULL) AS limited`,
  );
  if (!some?.limited && !o.withOrganization) return [];
  const locked = await lockLimits(tx, orgId, some?.limited ? o.groupIds : [], { withOrganization: o.withOrganization });
  const limits = locked.filter((l) => l.groupId !== null);
  if (limits.length === 0) return [];
  const rows = await queryRows<{ groupId: string; free: number }>(
    tx,
    sql`SELECT l.group_id AS "groupId", greatest(0, l.seat_limit - ${groupSeatsUsedSql(orgId, sql`l.group_id`)})::int AS free
        FROM seat_limits l WHERE l.org_id = ${orgId} AND l.group_id = ANY(${uuidArray(limits.map((l) => l.groupId!))}) ORDER BY l.group_id`,
  );
  return rows.map((r) => ({ groupId: r.groupId, free: Number(r.free) }));
}

/** Refuses (409 seats_full) when `incoming` more seat-taking members would exceed the organization's limit; locks it. */
export async function assertOrgSeats(tx: Db, orgId: string, incoming: number): Promise<void> {
  const { orgLimit } = await lockSeats(tx, orgId);
  if (orgLimit === null || incoming <= 0) return;
  const [row] = await queryRows<{ used: number }>(tx, sql`SELECT ${orgSeatsUsedSql(orgId)} AS used`);
  const used = Number(row?.used ?? 0);
  if (used + incoming > orgLimit) throw seatsFull('organization', { seatLimit: orgLimit, seatsUsed: used, requested: incoming });
}

/** Refuses (409 seats_full) when adding the accounts to the groups would overfill a limited group; locks the limits. */
export async function assertGroupSeats(tx: Db, orgId: string, groupIds: readonly string[], accountIds: readonly string[]): Promise<void> {
  if (groupIds.length === 0 || accountIds.length === 0) return;
  const limits = await lockLimits(tx, orgId, groupIds);
  if (!limits.some((l) => l.groupId !== null)) return;
  const full = await overfullGroups(tx, orgId, groupIds, accountIds);
  if (full.length) throw seatsFull('group', { groupIds: full.map((f) => f.groupId) });
}

/** Refuses when restoring these (archived) accounts would exceed the organization's or one of their groups' limits. */
export async function assertRestoreSeats(tx: Db, orgId: string, accountIds: readonly string[]): Promise<void> {
  const rows = await queryRows<{ n: number }>(
    tx,
    sql`SELECT count(*)::int AS n FROM memberships WHERE org_id = ${orgId} AND account_id = ANY(${uuidArray(accountIds)})
        AND status = 'archived' AND role IN ('learner', 'guest')`,
  );
  const incoming = Number(rows[0]?.n ?? 0);
  if (incoming === 0) return;
  await assertOrgSeats(tx, orgId, incoming);
  const limits = await lockLimits(tx, orgId, [], { allGroups: true });
  for (const l of limits.filter((x) => x.groupId !== null)) {
    const [r] = await queryRows<{ over: boolean }>(
      tx,
      sql`SELECT (SELECT count(*) FROM group_members g JOIN memberships m ON m.org_id = g.org_id AND m.account_id = g.account_id
                  WHERE g.org_id = ${orgId} AND g.group_id = ${l.groupId} AND m.role IN ('learner', 'guest')
                    AND (m.status = 'active' OR m.account_id = ANY(${uuidArray(accountIds)}))) > ${l.seatLimit} AS over`,
    );
    if (r?.over) throw seatsFull('group', { groupIds: [l.groupId] });
  }
}

/** After seats were taken or freed: emails owners and admins once when use crosses 90 % or 100 % of the limit. */
export async function afterSeatsChanged(tx: Db, jobs: JobQueue, orgId: string): Promise<void> {
  const crossed = await markAlert(tx, orgId);
  if (!crossed) return;
  const admins = await seatAdmins(tx, orgId);
  await queueEmails(
    tx,
    jobs,
    admins.map((a) => ({
      to: a.email,
      template: 'seats-alert',
      locale: a.locale,
      orgId,
      params: { orgId, orgName: a.orgName, pct: crossed.pct, seatLimit: crossed.seatLimit, seatsUsed: crossed.seatsUsed },
    })),
  );
}

export type Seats = { seatLimit: number | null; seatsUsed: number };

/** The limit and use of the organization (groupId null) or of a group. */
export async function getSeats(db: Db, orgId: string, groupId: string | null = null): Promise<Seats> {
  return usage(db, orgId, groupId);
}

/** Sets or removes (null) a limit; a limit below the seats used is allowed (nobody new comes in until seats free up). */
export async function setSeatLimit(tx: Db, jobs: JobQueue, o: { orgId: string; groupId: string | null; seatLimit: number | null }) {
  await lockLimits(tx, o.orgId, o.groupId ? [o.groupId] : []);
  await writeLimit(tx, o.orgId, o.groupId, o.seatLimit);
  if (o.groupId === null) await afterSeatsChanged(tx, jobs, o.orgId);
  return usage(tx, o.orgId, o.groupId);
}

/** Free seats in the organization (a large number when unlimited); exact under the lock lockSeats took. */
export async function seatsLeft(db: Db, orgId: string): Promise<number> {
  const u = await usage(db, orgId, null);
  return u.seatLimit === null ? Number.MAX_SAFE_INTEGER : Math.max(0, u.seatLimit - u.seatsUsed);
}

/** Refuses (409 seats_full) when these accounts, joining with a seat-taking role, would exceed the limit (those already active take none); locks it. */
export async function assertSeatsForNewcomers(tx: Db, orgId: string, accountIds: readonly string[]): Promise<void> {
  const { orgLimit } = await lockSeats(tx, orgId);
  if (orgLimit === null || accountIds.length === 0) return;
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`SELECT count(*)::int AS n FROM unnest(${uuidArray(accountIds)}) a(id)
        WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = ${orgId} AND m.account_id = a.id AND m.status = 'active')`,
  );
  await assertOrgSeats(tx, orgId, Number(row?.n ?? 0));
}
