import { sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import { AppError, conflict, invalidField, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { setSeatLimit } from '../seats/seats.service.js';
import { enrolSubtreeInAncestorSessions, pruneEnrolments, sessionsReaching } from './enrolment-rules.js';
import { allObservers, imageKeysOf, membersOfGroups } from './group-people.repo.js';
import * as repo from './groups.repo.js';
import { groupNameKey } from './groups.schemas.js';
import { uuidArray } from '../../lib/sql.js';

export type { GroupListRow } from './groups.repo.js';

export type Actor = { id: string; email: string; ip?: string };
type Ctx = Pick<AppContext, 'db' | 'clock' | 'storage' | 'jobs'>;

const nameTaken = (name: string) =>
  conflict('group_name_taken', `A group named “${name}” already exists at this level; choose another name.`, {
    fields: { name: 'Already used by another group at this level.' },
  });
const noSuchParent = () => invalidField('parentId', 'No such group in this organization.');

/** Checks that an account may be a referent or observer: an active owner, admin or manager of the organization. */
export async function requireStaff(db: AppContext['db'], orgId: string, accountId: string, field: string): Promise<void> {
  const ok = await repo.activeMembersAmong(db, orgId, [accountId], { staff: true });
  if (!ok.has(accountId.toLowerCase()))
    throw invalidField(field, 'Choose an owner, admin or manager of this organization.', 'invalid_referent');
}

/** Creates a group, at the top level or under a parent; sibling names are unique. */
export async function createGroup(
  ctx: Ctx,
  o: { actor: Actor; orgId: string; name: string; parentId?: string | null; description?: string | null; welcomeMessage?: string | null },
) {
  return ctx.db.transaction(async (tx) => {
    if (o.parentId && !(await repo.findGroup(tx, o.orgId, o.parentId))) throw noSuchParent();
    const row = await repo.insertGroup(tx, {
      orgId: o.orgId,
      parentId: o.parentId ?? null,
      name: o.name,
      nameKey: groupNameKey(o.name),
      description: o.description || null,
      welcomeMessage: o.welcomeMessage || null,
      now: ctx.clock.now(),
    });
    if (!row) throw nameTaken(o.name);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.created',
      targetType: 'group',
      targetId: row.id,
      ip: o.actor.ip,
      data: { name: o.name, parentId: o.parentId ?? null },
    });
    return row.id;
  });
}

/** A group with its ancestors, default referent and observers. */
export async function getGroup(ctx: Pick<AppContext, 'db'>, o: { orgId: string; groupId: string }) {
  const group = await repo.findGroup(ctx.db, o.orgId, o.groupId);
  if (!group) throw notFound('Group');
  const [path, observers, people] = await Promise.all([
    repo.groupPath(ctx.db, o.orgId, o.groupId),
    allObservers(ctx.db, o.orgId, o.groupId),
    repo.findPeople(ctx.db, group.defaultReferentId ? [group.defaultReferentId] : []),
  ]);
  return { ...group, path, observers, defaultReferent: group.defaultReferentId ? (people.get(group.defaultReferentId) ?? null) : null };
}

export const listGroups = (ctx: Pick<AppContext, 'db'>, o: Parameters<typeof repo.listGroups>[1]) => repo.listGroups(ctx.db, o);

type GroupPatch = {
  name?: string;
  parentId?: string | null;
  description?: string | null;
  welcomeMessage?: string | null;
  defaultReferentId?: string | null;
};

/**
 * Renames, describes, sets the default referent or moves a group. A move re-applies the rule: the
 * sub-tree's members join the sessions of their new ancestors and lose the not-started ones of the old.
 */
export async function updateGroup(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string } & GroupPatch) {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const moving = o.parentId !== undefined;
    if (moving) await repo.lockGroupTree(tx, o.orgId);
    const group = await repo.findGroup(tx, o.orgId, o.groupId, 'no key update');
    if (!group) throw notFound('Group');
    const changes: repo.GroupChanges = {};
    if (o.name !== undefined) Object.assign(changes, { name: o.name, nameKey: groupNameKey(o.name) });
    if (o.description !== undefined) changes.description = o.description || null;
    if (o.welcomeMessage !== undefined) changes.welcomeMessage = o.welcomeMessage || null;
    if (o.defaultReferentId) await requireStaff(tx, o.orgId, o.defaultReferentId, 'defaultReferentId');
    if (o.defaultReferentId !== undefined) changes.defaultReferentId = o.defaultReferentId;

    const moved = moving && (o.parentId ?? null) !== group.parentId;
    let oldSessions: string[] = [];
    if (moved) {
      if (o.parentId) {
        if (!(await repo.findGroup(tx, o.orgId, o.parentId))) throw noSuchParent();
        const below = await repo.subtreeIds(tx, o.orgId, o.groupId);
        if (below.includes(o.parentId)) {
          throw new AppError(409, 'group_cycle', 'A group cannot be moved under itself or one of its own sub-groups.', {
            fields: { parentId: 'This group is the moved group or one of its sub-groups.' },
          });
        }
      }
      if (group.parentId) oldSessions = await sessionsReaching(tx, { orgId: o.orgId, groupIds: [group.parentId] });
      changes.parentId = o.parentId ?? null;
    }
    try {
      await repo.updateGroupRow(tx, o.orgId, o.groupId, changes, now);
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(o.name ?? group.name);
      throw err;
    }
    let enrolled = 0;
    let removedEnrolments = 0;
    if (moved) {
      enrolled = await enrolSubtreeInAncestorSessions(tx, { orgId: o.orgId, groupId: o.groupId, now, jobs: ctx.jobs });
      if (oldSessions.length > 0) {
        const below = await repo.subtreeIds(tx, o.orgId, o.groupId);
        const subtreeMembers = sql`SELECT gm.account_id FROM group_members gm WHERE gm.org_id = ${o.orgId} AND gm.group_id = ANY(${uuidArray(below)})`;
        removedEnrolments = await pruneEnrolments(tx, { orgId: o.orgId, accountIds: subtreeMembers, sessionIds: oldSessions });
      }
    }
    const { nameKey: _k, ...data } = changes;
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: moved ? 'group.moved' : 'group.updated',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { ...data, ...(moved ? { fromParentId: group.parentId, enrolled, removedEnrolments } : {}) },
    });
  });
}

/**
 * Deletes a group (with `withSubgroups`, its whole sub-tree). Members stay in the organization; their
 * not-started enrolments that no other group justifies go; started and completed ones stay.
 */
export async function deleteGroup(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string; withSubgroups: boolean }) {
  const keys = await ctx.db.transaction(async (tx) => {
    await repo.lockGroupTree(tx, o.orgId);
    const group = await repo.findGroup(tx, o.orgId, o.groupId, 'no key update');
    if (!group) throw notFound('Group');
    const ids = await repo.subtreeIds(tx, o.orgId, o.groupId);
    if (ids.length > 1 && !o.withSubgroups) {
      throw conflict(
        'group_has_subgroups',
        `“${group.name}” has ${ids.length - 1} sub-group(s); move or delete them first, or delete with withSubgroups=true.`,
        {
          subgroupCount: ids.length - 1,
        },
      );
    }
    const sessions = await sessionsReaching(tx, { orgId: o.orgId, groupIds: ids });
    const members = await membersOfGroups(tx, o.orgId, ids);
    const imageKeys = await imageKeysOf(tx, o.orgId, ids);
    await repo.deleteGroups(tx, o.orgId, ids);
    const removedEnrolments =
      sessions.length && members.length ? await pruneEnrolments(tx, { orgId: o.orgId, accountIds: members, sessionIds: sessions }) : 0;
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.deleted',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { name: group.name, deletedGroups: ids.length, formerMembers: members.length, removedEnrolments },
    });
    return imageKeys;
  });
  // Files go after the commit: a rolled-back delete must not lose the group's images.
  for (const key of keys) await ctx.storage.remove(key).catch(() => {});
}

/** Issue 16: sets or removes (null) the group's seat limit. */
export async function setGroupSeatLimit(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string; seatLimit: number | null }) {
  return ctx.db.transaction(async (tx) => {
    if (!(await repo.findGroup(tx, o.orgId, o.groupId))) throw notFound('Group');
    const seats = await setSeatLimit(tx, ctx.jobs, { orgId: o.orgId, groupId: o.groupId, seatLimit: o.seatLimit });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'group.seat_limit_set',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { seatLimit: o.seatLimit },
    });
    return seats;
  });
}
