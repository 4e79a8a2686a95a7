import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { notFound } from '../../http/errors.js';
import { toIso } from '../../lib/time.js';
import { statusAt } from '../programs/programs.schemas.js';
import { countBySession, countPeople, groupExists, subtreeIds, watchListRows } from './group-stats.repo.js';
import type { groupStatsOut } from './groups.schemas.js';

/** The group's statistics, set-based: three statements whatever the number of members. */
export async function groupStats(db: Db, o: { orgId: string; groupId: string; now: Date }): Promise<z.infer<typeof groupStatsOut>> {
  const ids = await subtreeIds(db, o.orgId, o.groupId);
  const members = await countPeople(db, { ...o, ids });
  const sessions = await countBySession(db, { ...o, ids });
  const list = sessions.map((r) => ({
    ...r,
    opensAt: toIso(r.opensAt),
    closesAt: toIso(r.closesAt),
    status: statusAt(r.opensAt, r.closesAt, o.now),
  }));
  const sum = (f: (r: (typeof list)[number]) => number) => list.reduce((n, r) => n + f(r), 0);
  return {
    members,
    enrolments: {
      total: sum((r) => r.enrolled),
      notStarted: sum((r) => r.notStarted),
      inProgress: sum((r) => r.inProgress),
      completed: sum((r) => r.completed),
      late: sum((r) => r.late),
    },
    sessions: list,
  };
}

/** The statistics of a group of the organization; another organization's group is not found. */
export async function findGroupStats(ctx: AppContext, o: { orgId: string; groupId: string }) {
  if (!(await groupExists(ctx.db, o.orgId, o.groupId))) throw notFound('Group');
  return groupStats(ctx.db, { orgId: o.orgId, groupId: o.groupId, now: ctx.clock.now() });
}

/** Who needs a nudge in a group (sub-groups included): names of people who never signed in, and of people late in a closed session. */
export async function groupWatchList(
  db: Db,
  o: { orgId: string; groupId: string; now: Date; limit: number },
): Promise<{ neverSignedIn: string[]; late: string[] }> {
  const ids = await subtreeIds(db, o.orgId, o.groupId);
  const rows = await watchListRows(db, { ...o, ids });
  return {
    neverSignedIn: rows.filter((r) => r.kind === 'never').map((r) => r.name),
    late: rows.filter((r) => r.kind === 'late').map((r) => r.name),
  };
}
