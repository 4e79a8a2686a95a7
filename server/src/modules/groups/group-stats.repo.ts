import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows, tsParam, uuidArray } from '../../lib/sql.js';
import { ancestorsOf } from './enrolment-rules.js';

// What an observer follows in a group: its people (the group and its sub-groups, any depth) and how
// far they are in the sessions that reach them (attached to the group, an ancestor or a sub-group).

export const RECENT_DAYS = 30;

export type SessionCountRow = {
  sessionId: string;
  programId: string;
  programTitle: string;
  opensAt: string;
  closesAt: string | null;
  enrolled: number;
  notStarted: number;
  inProgress: number;
  completed: number;
  /** Issue 15: past their own due date (or the session's close date), not completed. */
  late: number;
};

/**
 * The group and its sub-groups (any depth), looked up first: with the ids as a parameter the planner
 * probes group_members by group instead of guessing the size of a recursive query.
 */
export { subtreeIds } from './groups.repo.js';

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

/** Whether the group belongs to the organization (a cheap probe: no counts). */
export async function groupExists(db: Db, orgId: string, groupId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(db, sql`SELECT id FROM groups WHERE org_id = ${orgId} AND id = ${groupId}`);
  return rows.length > 0;
}

type Subtree = { orgId: string; groupId: string; ids: string[]; now: Date };

/** How many active people the groups hold, how many never signed in and how many did recently. */
export async function countPeople(db: Db, o: Subtree) {
  const [members] = await queryRows<{ active: number; neverSignedIn: number; signedInRecently: number }>(
    db,
    sql`WITH ${peopleOf(o.orgId, o.ids)}
      SELECT count(*)::int AS active, count(*) FILTER (WHERE a.last_login_at IS NULL)::int AS "neverSignedIn",
             count(*) FILTER (WHERE a.last_login_at > ${tsParam(o.now)} - make_interval(days => ${RECENT_DAYS}))::int AS "signedInRecently"
      FROM people p JOIN accounts a ON a.id = p.account_id`,
  );
  return members ?? { active: 0, neverSignedIn: 0, signedInRecently: 0 };
}

/** Enrolments of those people per session that reaches them, by progress. */
export async function countBySession(db: Db, o: Subtree): Promise<SessionCountRow[]> {
  return queryRows<SessionCountRow>(
    db,
    sql`WITH RECURSIVE ${peopleOf(o.orgId, o.ids)},
      ${reaching(o.orgId, o.groupId, o.ids)}
      SELECT s.id AS "sessionId", p.id AS "programId", p.title AS "programTitle", s.opens_at AS "opensAt", s.closes_at AS "closesAt",
             count(e.id)::int AS enrolled,
             count(e.id) FILTER (WHERE e.percent = 0 AND e.completed_at IS NULL)::int AS "notStarted",
             count(e.id) FILTER (WHERE e.percent > 0 AND e.completed_at IS NULL)::int AS "inProgress",
             count(e.id) FILTER (WHERE e.completed_at IS NOT NULL)::int AS completed,
             count(e.id) FILTER (WHERE e.completed_at IS NULL AND coalesce(e.due_at, s.closes_at) <= ${tsParam(o.now)})::int AS late
      FROM reaching r
      JOIN program_sessions s ON s.id = r.session_id
      JOIN programs p ON p.id = s.program_id
      LEFT JOIN enrolments e ON e.session_id = s.id AND e.account_id IN (SELECT account_id FROM people)
      GROUP BY s.id, p.id, p.title
      ORDER BY s.opens_at, p.title, s.id`,
  );
}

/** Names of people who never signed in, and of people late in a closed session (at most `limit` of each). */
export async function watchListRows(db: Db, o: Subtree & { limit: number }) {
  return queryRows<{ kind: 'never' | 'late'; name: string }>(
    db,
    sql`WITH RECURSIVE ${peopleOf(o.orgId, o.ids)},
      ${reaching(o.orgId, o.groupId, o.ids)},
      due AS (SELECT r.session_id, s.closes_at FROM reaching r JOIN program_sessions s ON s.id = r.session_id)
      (SELECT 'never' AS kind, a.name FROM people p JOIN accounts a ON a.id = p.account_id WHERE a.last_login_at IS NULL ORDER BY a.name, a.id LIMIT ${o.limit})
      UNION ALL
      (SELECT 'late', a.name FROM accounts a
        WHERE a.id IN (SELECT e.account_id FROM enrolments e JOIN due d ON d.session_id = e.session_id
          WHERE e.completed_at IS NULL AND coalesce(e.due_at, d.closes_at) <= ${tsParam(o.now)} AND e.account_id IN (SELECT account_id FROM people))
        ORDER BY a.name, a.id LIMIT ${o.limit})`,
  );
}
