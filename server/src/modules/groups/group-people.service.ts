import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { addAccountsToGroups, removeAccountsFromGroup } from './group-membership.service.js';
import * as people from './group-people.repo.js';
import { activeMembersAmong, findGroup } from './groups.repo.js';
import type { Actor } from './groups.service.js';
import { cleanIds } from '../../lib/sql.js';
import { recordBatchEvents, recordEvent } from '../webhooks/events.service.js';

export type { PersonRow } from './group-people.repo.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'jobs'>;

/** The audit event keeps the first ids only: a 10,000-member addition must not write a megabyte of JSON. */
const sample = (ids: string[]) => ids.slice(0, 100);

async function requireGroup(db: AppContext['db'], orgId: string, groupId: string) {
  const group = await findGroup(db, orgId, groupId);
  if (!group) throw notFound('Group');
  return group;
}

export async function listMembers(
  ctx: Pick<AppContext, 'db'>,
  o: { orgId: string; groupId: string; limit: number; cursor?: string; q?: string },
) {
  await requireGroup(ctx.db, o.orgId, o.groupId);
  return people.listLinked(ctx.db, 'group_members', o);
}

export async function listObservers(
  ctx: Pick<AppContext, 'db'>,
  o: { orgId: string; groupId: string; limit: number; cursor?: string; q?: string },
) {
  await requireGroup(ctx.db, o.orgId, o.groupId);
  return people.listLinked(ctx.db, 'group_observers', o);
}

/** Adds existing active members of the organization to a group and enrols them; all or nothing. */
export async function addMembers(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string; accountIds: string[] }) {
  const accountIds = cleanIds(o.accountIds);
  return ctx.db.transaction(async (tx) => {
    await requireGroup(tx, o.orgId, o.groupId);
    const valid = await activeMembersAmong(tx, o.orgId, accountIds);
    const unknown = accountIds.filter((id) => !valid.has(id));
    if (unknown.length > 0) {
      throw new AppError(
        422,
        'not_members',
        `${unknown.length} account(s) are not active members of this organization; invite them first.`,
        {
          fields: { accountIds: 'Some accounts are not active members of this organization.' },
          accountIds: unknown,
        },
      );
    }
    const added = await addAccountsToGroups(tx, {
      orgId: o.orgId,
      groupIds: [o.groupId],
      accountIds,
      now: ctx.clock.now(),
      jobs: ctx.jobs,
    });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.members_added',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { added, accountIds: sample(accountIds) },
    });
    if (added > 0)
      await recordBatchEvents(
        tx,
        ctx.jobs,
        o.orgId,
        'group.member_added',
        accountIds.map((accountId) => ({ accountId })),
        { groupId: o.groupId },
      ); // issue 12: webhook
    return added;
  });
}

/** Removes a member from a group; enrolments they have started or completed stay. */
export async function removeMember(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string; accountId: string }) {
  await ctx.db.transaction(async (tx) => {
    await requireGroup(tx, o.orgId, o.groupId);
    const removed = await removeAccountsFromGroup(tx, { orgId: o.orgId, groupId: o.groupId, accountIds: [o.accountId] });
    if (removed === 0) throw notFound('Group member');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.member_removed',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { accountId: o.accountId },
    });
    await recordEvent(tx, ctx.jobs, o.orgId, 'group.member_removed', { groupId: o.groupId, accountId: o.accountId }); // issue 12: webhook
  });
}

/** Makes staff members (owner, admin, managers) observers of a group. */
export async function addObservers(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string; accountIds: string[] }) {
  const accountIds = cleanIds(o.accountIds);
  return ctx.db.transaction(async (tx) => {
    await requireGroup(tx, o.orgId, o.groupId);
    const staff = await activeMembersAmong(tx, o.orgId, accountIds, { staff: true });
    const refused = accountIds.filter((id) => !staff.has(id));
    if (refused.length > 0) {
      throw new AppError(422, 'not_staff', 'Observers must be owners, admins or managers of this organization.', {
        fields: { accountIds: 'Some accounts are not owners, admins or managers of this organization.' },
        accountIds: refused,
      });
    }
    const added = await people.insertObservers(tx, { orgId: o.orgId, groupId: o.groupId, accountIds, now: ctx.clock.now() });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.observers_added',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { added, accountIds: sample(accountIds) },
    });
    return added;
  });
}

export async function removeObserver(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string; accountId: string }) {
  await ctx.db.transaction(async (tx) => {
    await requireGroup(tx, o.orgId, o.groupId);
    if (!(await people.deleteObserver(tx, o))) throw notFound('Observer');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.observer_removed',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { accountId: o.accountId },
    });
  });
}
