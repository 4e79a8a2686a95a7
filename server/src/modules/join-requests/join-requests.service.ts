import { afterSeatsChanged, assertSeatsForNewcomers } from '../seats/seats.service.js';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import type { GroupScope } from '../../http/group-scope.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { queueEmails } from '../../mail/outbox.js';
import { recordAudit } from '../audit/audit.service.js';
import { addAccountsToGroups } from '../groups/group-membership.service.js';
import { recordBatchEvents } from '../webhooks/events.service.js';
import * as repo from './join-requests.repo.js';

export const APPROVED_TEMPLATE = 'join-request-approved';
export const REJECTED_TEMPLATE = 'join-request-rejected';

type Actor = AuthAccount & { ip?: string };
export type JoinRequestStatus = 'pending' | 'approved' | 'rejected';

/** What staff see of a request before approval: the address and what the person chose, nothing else. */
const present = (r: repo.JoinRequestRow) => ({
  id: r.id,
  email: r.email,
  groupId: r.groupId,
  locationId: r.locationId,
  source: r.source,
  status: r.status,
  createdAt: new Date(r.createdAt).toISOString(),
  decidedAt: r.decidedAt ? new Date(r.decidedAt).toISOString() : null,
});

/**
 * Records that a person whose address is proven asks to join, inside the caller's transaction (the join
 * page's verification, a domain suggestion). A pending request of the same address is updated instead.
 */
export async function createJoinRequest(
  tx: Db,
  o: {
    orgId: string;
    account: { id: string; email: string; emailKey: string };
    source: 'domain' | 'join_page';
    groupId?: string | null;
    locationId?: string | null;
    domainId?: string | null;
    locale?: string | null;
    ip?: string;
    now: Date;
  },
): Promise<{ id: string; created: boolean }> {
  const res = await repo.upsertPending(tx, {
    orgId: o.orgId,
    accountId: o.account.id,
    email: o.account.email,
    emailKey: o.account.emailKey,
    groupId: o.groupId ?? null,
    locationId: o.locationId ?? null,
    domainId: o.domainId ?? null,
    source: o.source,
    locale: o.locale ?? null,
    now: o.now,
  });
  await recordAudit(tx, {
    orgId: o.orgId,
    actor: { id: o.account.id, email: o.account.email },
    action: 'joinrequest.created',
    targetType: 'join_request',
    targetId: res.id,
    ip: o.ip,
    data: { source: o.source, groupId: o.groupId ?? null, locationId: o.locationId ?? null, updated: !res.created },
  });
  return res;
}

/** Refuses a person who asked too often in the last hour (any organization): the per-address limit. */
export async function assertRequestAllowed(ctx: AppContext, emailKey: string): Promise<void> {
  if ((await repo.recentRequestsOf(ctx.db, emailKey)) >= ctx.config.rateLimits.auth.max)
    throw new AppError(429, 'rate_limited', 'Too many requests for this address; try again in 3600 seconds.', { retryAfterSeconds: 3600 });
}

/** The organization's requests, newest first, with counts per status; a limited manager sees those of their groups. */
export async function listJoinRequests(
  ctx: AppContext,
  o: { orgId: string; scope: GroupScope; status?: JoinRequestStatus; limit: number; cursor?: string },
) {
  const after = decodeCursor(o.cursor, 2) as [string, string] | null;
  const [rows, counts] = await Promise.all([
    repo.listRequests(ctx.db, { orgId: o.orgId, scope: o.scope, status: o.status, limit: o.limit, after }),
    repo.countRequests(ctx.db, { orgId: o.orgId, scope: o.scope }),
  ]);
  const page = toPage(rows, o.limit, (r) => [new Date(r.createdAt).toISOString(), r.id]);
  return {
    items: page.items.map(present),
    nextCursor: page.nextCursor,
    counts: { pending: counts.pending ?? 0, approved: counts.approved ?? 0, rejected: counts.rejected ?? 0 },
  };
}

type Decision = { decided: string[]; skipped: { id: string; reason: 'not_found' | 'already_decided' }[] };

/** Sorts the asked ids into pending requests (locked) and the others, with why. */
async function lockPending(tx: Db, o: { orgId: string; requestIds: string[]; scope: GroupScope }) {
  const ids = [...new Set(o.requestIds.map((id) => id.toLowerCase()))];
  const rows = await repo.lockRequests(tx, { orgId: o.orgId, ids, scope: o.scope });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pending = rows.filter((r) => r.status === 'pending' && r.accountId);
  const skipped: Decision['skipped'] = ids
    .filter((id) => byId.get(id)?.status !== 'pending')
    .map((id) => ({ id, reason: byId.has(id) ? 'already_decided' : 'not_found' }));
  return { pending, skipped };
}

/**
 * Approves requests in one transaction: the people become active learners (one INSERT for the whole
 * batch, where a seat check can take its seats), join the group they chose (or the domain's groups)
 * and are enrolled; each is emailed after commit. Ids that are not pending are skipped and said so.
 */
export async function approveJoinRequests(
  ctx: AppContext,
  o: { orgId: string; actor: Actor; requestIds: string[]; scope?: GroupScope },
): Promise<Decision> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const { pending, skipped } = await lockPending(tx, { orgId: o.orgId, requestIds: o.requestIds, scope: o.scope ?? null });
    if (pending.length === 0) return { decided: [], skipped };
    const ids = pending.map((r) => r.id);
    // issue 16 (seats): the batch takes its seats under the limit's lock, all or none.
    await assertSeatsForNewcomers(
      tx,
      o.orgId,
      pending.map((r) => r.accountId!),
    );
    const joined = await repo.insertMemberships(tx, { orgId: o.orgId, requestIds: ids, now });
    await repo.retireInvitations(tx, { orgId: o.orgId, emailKeys: pending.map((r) => r.emailKey) });
    // Group additions are set-based per set of target groups (a few sets: the groups people chose).
    const bySet = new Map<string, { groupIds: string[]; accountIds: string[] }>();
    for (const r of pending) {
      const key = [...r.targetGroupIds].sort().join(',');
      const entry = bySet.get(key) ?? { groupIds: r.targetGroupIds, accountIds: [] };
      entry.accountIds.push(r.accountId!);
      bySet.set(key, entry);
    }
    for (const s of bySet.values())
      if (s.groupIds.length)
        await addAccountsToGroups(tx, { orgId: o.orgId, groupIds: s.groupIds, accountIds: s.accountIds, now, jobs: ctx.jobs });
    await repo.markDecided(tx, { orgId: o.orgId, ids, status: 'approved', actorId: o.actor.id, now });
    await afterSeatsChanged(tx, ctx.jobs, o.orgId);
    const created = new Set(joined.filter((j) => j.created).map((j) => j.accountId));
    const names = await repo.namesFor(tx, o.orgId, [...new Set(pending.flatMap((r) => r.targetGroupIds))]);
    for (const r of pending)
      await recordAudit(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: 'joinrequest.approved',
        targetType: 'join_request',
        targetId: r.id,
        ip: o.actor.ip,
        data: { email: r.email, accountId: r.accountId, groupIds: r.targetGroupIds, newMember: created.has(r.accountId!) },
      });
    await recordBatchEvents(
      tx,
      ctx.jobs,
      o.orgId,
      'member.joined',
      pending
        .filter((r) => created.has(r.accountId!))
        .map((r) => ({ accountId: r.accountId, role: 'learner', groupIds: r.targetGroupIds, source: r.source })),
    );
    await queueEmails(
      tx,
      ctx.jobs,
      pending.map((r) => ({
        to: r.email,
        template: APPROVED_TEMPLATE,
        locale: r.locale ?? 'en',
        orgId: o.orgId,
        refId: r.id,
        params: { orgName: names.orgName, groupNames: r.targetGroupIds.map((g) => names.groups.get(g)).filter(Boolean) },
      })),
    );
    return { decided: ids, skipped };
  });
}

/** Rejects requests in one transaction; each person is emailed after commit. */
export async function rejectJoinRequests(
  ctx: AppContext,
  o: { orgId: string; actor: Actor; requestIds: string[]; scope?: GroupScope },
): Promise<Decision> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const { pending, skipped } = await lockPending(tx, { orgId: o.orgId, requestIds: o.requestIds, scope: o.scope ?? null });
    if (pending.length === 0) return { decided: [], skipped };
    const ids = pending.map((r) => r.id);
    await repo.markDecided(tx, { orgId: o.orgId, ids, status: 'rejected', actorId: o.actor.id, now });
    const { orgName } = await repo.namesFor(tx, o.orgId, []);
    for (const r of pending)
      await recordAudit(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: 'joinrequest.rejected',
        targetType: 'join_request',
        targetId: r.id,
        ip: o.actor.ip,
        data: { email: r.email },
      });
    await queueEmails(
      tx,
      ctx.jobs,
      pending.map((r) => ({
        to: r.email,
        template: REJECTED_TEMPLATE,
        locale: r.locale ?? 'en',
        orgId: o.orgId,
        refId: r.id,
        params: { orgName },
      })),
    );
    return { decided: ids, skipped };
  });
}

/** One request decided through its own route: 404 when it is not the organization's, 409 once decided. */
export async function decideOne(
  ctx: AppContext,
  o: { orgId: string; actor: Actor; requestId: string; decision: 'approve' | 'reject'; scope?: GroupScope },
) {
  const fn = o.decision === 'approve' ? approveJoinRequests : rejectJoinRequests;
  const res = await fn(ctx, { orgId: o.orgId, actor: o.actor, requestIds: [o.requestId], scope: o.scope });
  const skip = res.skipped[0];
  if (skip?.reason === 'not_found') throw notFound('JoinRequest');
  if (skip) throw conflict('join_request_decided', 'This request was already decided.');
  return { id: o.requestId, status: o.decision === 'approve' ? ('approved' as const) : ('rejected' as const) };
}
