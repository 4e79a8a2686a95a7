import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { orgOf } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { queryRows, tsParam, uuidArray } from '../../lib/sql.js';
import { toIso } from '../../lib/time.js';
import { sessionStatus, statusAt } from '../programs/programs.schemas.js';
import { ancestorsOf, subtree } from './enrolment-rules.js';
import { groupParams } from './groups.schemas.js';
import { one } from '../../lib/rows.js';

// What an observer follows in a group: its people (the group and its sub-groups, any depth) and how
// far they are in the sessions that reach them (attached to the group, an ancestor or a sub-group).

const RECENT_DAYS = 30;

const statsOut = z.object({
  members: z.object({
    active: z.number().int().describe('Active members of the group and of its sub-groups, each once.'),
    neverSignedIn: z.number().int(),
    signedInRecently: z.number().int().describe(`Signed in within the last ${RECENT_DAYS} days.`),
  }),
  enrolments: z.object({
    total: z.number().int(),
    notStarted: z.number().int(),
    inProgress: z.number().int(),
    completed: z.number().int(),
    late: z.number().int().describe('Not completed in a session that has closed.'),
  }),
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      programId: z.string(),
      programTitle: z.string(),
      opensAt: z.string(),
      closesAt: z.string().nullable(),
      status: sessionStatus,
      enrolled: z.number().int(),
      notStarted: z.number().int(),
      inProgress: z.number().int(),
      completed: z.number().int(),
    }),
  ),
});

type SessionRow = {
  sessionId: string;
  programId: string;
  programTitle: string;
  opensAt: string;
  closesAt: string | null;
  enrolled: number;
  notStarted: number;
  inProgress: number;
  completed: number;
};

/**
 * The group and its sub-groups (any depth), looked up first: with the ids as a parameter the planner
 * probes group_members by group instead of guessing the size of a recursive query.
 */
async function subtreeIds(db: Db, orgId: string, groupId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, sql`WITH RECURSIVE ${subtree(orgId, groupId)} SELECT id FROM sub`);
  return rows.map((r) => r.id);
}

/** The active members of those groups, each once, as CTE `people(account_id)`. */
const peopleOf = (orgId: string, ids: string[]) => sql`people AS (
    SELECT DISTINCT gm.account_id FROM group_members gm
    JOIN memberships m ON m.org_id = gm.org_id AND m.account_id = gm.account_id AND m.status = 'active'
    WHERE gm.org_id = ${orgId} AND gm.group_id = ANY(${uuidArray(ids)})
  )`;

/** The sessions that reach those people: attached to the group, an ancestor or a sub-group, as CTE `reaching(session_id)` (needs RECURSIVE). */
const reaching = (orgId: string, groupId: string, ids: string[]) => sql`${ancestorsOf(orgId, uuidArray([groupId]))},
  reaching AS (
    SELECT DISTINCT a.session_id FROM assignments a
    WHERE a.org_id = ${orgId} AND (a.group_id = ANY(${uuidArray(ids)}) OR a.group_id IN (SELECT id FROM up))
  )`;

/** The group's statistics, set-based: three statements whatever the number of members. */
export async function groupStats(db: Db, o: { orgId: string; groupId: string; now: Date }): Promise<z.infer<typeof statsOut>> {
  const ids = await subtreeIds(db, o.orgId, o.groupId);
  const tree = peopleOf(o.orgId, ids);
  const members = one(
    await queryRows<{ active: number; neverSignedIn: number; signedInRecently: number }>(
      db,
      sql`WITH ${tree}
      SELECT count(*)::int AS active, count(*) FILTER (WHERE a.last_login_at IS NULL)::int AS "neverSignedIn",
             count(*) FILTER (WHERE a.last_login_at > ${tsParam(o.now)} - make_interval(days => ${RECENT_DAYS}))::int AS "signedInRecently"
      FROM people p JOIN accounts a ON a.id = p.account_id`,
    ),
    'member statistics',
  );
  const sessions = await queryRows<SessionRow>(
    db,
    sql`WITH RECURSIVE ${tree},
      ${reaching(o.orgId, o.groupId, ids)}
      SELECT s.id AS "sessionId", p.id AS "programId", p.title AS "programTitle", s.opens_at AS "opensAt", s.closes_at AS "closesAt",
             count(e.id)::int AS enrolled,
             count(e.id) FILTER (WHERE e.percent = 0 AND e.completed_at IS NULL)::int AS "notStarted",
             count(e.id) FILTER (WHERE e.percent > 0 AND e.completed_at IS NULL)::int AS "inProgress",
             count(e.id) FILTER (WHERE e.completed_at IS NOT NULL)::int AS completed
      FROM reaching r
      JOIN program_sessions s ON s.id = r.session_id
      JOIN programs p ON p.id = s.program_id
      LEFT JOIN enrolments e ON e.session_id = s.id AND e.account_id IN (SELECT account_id FROM people)
      GROUP BY s.id, p.id, p.title
      ORDER BY s.opens_at, p.title, s.id`,
  );
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
      late: sum((r) => (r.status === 'closed' ? r.enrolled - r.completed : 0)),
    },
    sessions: list,
  };
}

export const groupStatsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/orgs/:orgId/groups/:groupId/stats',
      {
        config: { auth: 'groups.read' },
        schema: {
          tags: ['groups'],
          summary: 'What observers follow: members, and progress in the sessions that reach the group',
          params: groupParams,
          response: { 200: statsOut },
        },
      },
      async (req) => {
        const { orgId } = orgOf(req);
        const [group] = await queryRows<{ id: string }>(
          ctx.db,
          sql`SELECT id FROM groups WHERE org_id = ${orgId} AND id = ${req.params.groupId}`,
        );
        if (!group) throw notFound('Group');
        return groupStats(ctx.db, { orgId, groupId: group.id, now: ctx.clock.now() });
      },
    );
  };

/** Who needs a nudge in a group (sub-groups included): names of people who never signed in, and of people late in a closed session. */
export async function groupWatchList(
  db: Db,
  o: { orgId: string; groupId: string; now: Date; limit: number },
): Promise<{ neverSignedIn: string[]; late: string[] }> {
  const ids = await subtreeIds(db, o.orgId, o.groupId);
  const rows = await queryRows<{ kind: 'never' | 'late'; name: string }>(
    db,
    sql`WITH RECURSIVE ${peopleOf(o.orgId, ids)},
      ${reaching(o.orgId, o.groupId, ids)},
      closed AS (SELECT r.session_id FROM reaching r JOIN program_sessions s ON s.id = r.session_id WHERE s.closes_at <= ${tsParam(o.now)})
      (SELECT 'never' AS kind, a.name FROM people p JOIN accounts a ON a.id = p.account_id WHERE a.last_login_at IS NULL ORDER BY a.name, a.id LIMIT ${o.limit})
      UNION ALL
      (SELECT 'late', a.name FROM accounts a
        WHERE a.id IN (SELECT e.account_id FROM enrolments e JOIN closed c ON c.session_id = e.session_id WHERE e.completed_at IS NULL AND e.account_id IN (SELECT account_id FROM people))
        ORDER BY a.name, a.id LIMIT ${o.limit})`,
  );
  return {
    neverSignedIn: rows.filter((r) => r.kind === 'never').map((r) => r.name),
    late: rows.filter((r) => r.kind === 'late').map((r) => r.name),
  };
}
