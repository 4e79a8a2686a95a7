import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows, tsParam, uuidArray } from '../../lib/sql.js';
import { ancestorsOf } from './enrolment-rules.js';
import type { PeopleMetric } from './dashboard.schemas.js';

// Set-based SQL of the dashboard: a few statements whatever the size of the group, run side by side.
// `ids` is the group and its sub-groups (subtreeIds), looked up first.

export type Scope = { orgId: string; groupId: string; ids: string[]; now: Date };

/**
 * People of the groups, each once, with their membership status, as CTE `people(account_id, status)`: a
 * semi-join from memberships (one row per account) rather than DISTINCT over group_members.
 */
const people = (o: Scope) => sql`people AS MATERIALIZED (
    SELECT m.account_id, m.status FROM memberships m
    WHERE m.org_id = ${o.orgId}
      AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.org_id = m.org_id AND gm.account_id = m.account_id AND gm.group_id = ANY(${uuidArray(o.ids)}))
  )`;

/** Sessions reaching the people: attached to the group, an ancestor or a sub-group, as CTE `reaching(session_id)` (RECURSIVE). */
const reaching = (o: Scope) => sql`${ancestorsOf(o.orgId, uuidArray([o.groupId]))},
  reaching AS (
    SELECT DISTINCT a.session_id FROM assignments a
    WHERE a.org_id = ${o.orgId} AND (a.group_id = ANY(${uuidArray(o.ids)}) OR a.group_id IN (SELECT id FROM up))
  )`;

const days = (o: Scope, n: number) => sql`${tsParam(o.now)} - make_interval(days => ${n})`;
const openInvitation = (o: Scope) =>
  sql`i.org_id = ${o.orgId} AND i.status IN ('prospect', 'pending') AND (i.expires_at IS NULL OR i.expires_at > ${tsParam(o.now)})
      AND i.group_ids && ${uuidArray(o.ids)}`;

/** Members by status and activity, and open invitations to the groups: one statement. */
export async function countMembers(db: Db, o: Scope) {
  const [row] = await queryRows<{
    active: number;
    archived: number;
    invited: number;
    neverSignedIn: number;
    inactive7: number;
    inactive30: number;
  }>(
    db,
    sql`WITH ${people(o)}
      SELECT count(*) FILTER (WHERE p.status = 'active')::int AS active,
             count(*) FILTER (WHERE p.status = 'archived')::int AS archived,
             (SELECT count(*) FROM invitations i WHERE ${openInvitation(o)})::int AS invited,
             count(*) FILTER (WHERE p.status = 'active' AND a.last_login_at IS NULL)::int AS "neverSignedIn",
             count(*) FILTER (WHERE p.status = 'active' AND a.last_login_at <= ${days(o, 7)})::int AS inactive7,
             count(*) FILTER (WHERE p.status = 'active' AND a.last_login_at <= ${days(o, 30)})::int AS inactive30
      FROM people p JOIN accounts a ON a.id = p.account_id`,
  );
  return row ?? { active: 0, archived: 0, invited: 0, neverSignedIn: 0, inactive7: 0, inactive30: 0 };
}

export type SessionRow = { sessionId: string; programId: string; programTitle: string; opensAt: string; closesAt: string | null };

/** The sessions reaching the group (a few rows: no counts). */
export async function listSessions(db: Db, o: Scope): Promise<SessionRow[]> {
  return queryRows<SessionRow>(
    db,
    sql`WITH RECURSIVE ${reaching(o)}
      SELECT s.id AS "sessionId", p.id AS "programId", p.title AS "programTitle", s.opens_at AS "opensAt", s.closes_at AS "closesAt"
      FROM reaching r JOIN program_sessions s ON s.id = r.session_id JOIN programs p ON p.id = s.program_id
      ORDER BY s.opens_at, p.title, s.id`,
  );
}

export type EnrolmentCounts = {
  bySession: Map<string, { enrolled: number; completed: number; late: number; completedLate: number }>;
  byWeek: Map<string, number>;
};

/**
 * Enrolments of the active people in the sessions reaching the group, counted per session (enrolled,
 * completed, late: not completed at closing, completed late) and completions per week since `since`:
 * one pass over the enrolments (GROUPING SETS), whatever the number of sessions. The active people are
 * joined directly (memberships, semi-joined to the groups' members) rather than through a materialised
 * CTE, which PostgreSQL cannot run in parallel and which spilled to disk at this size.
 */
export async function countEnrolments(db: Db, o: Scope & { since: Date }): Promise<EnrolmentCounts> {
  const now = tsParam(o.now);
  const rows = await queryRows<{
    sessionId: string | null;
    week: string | null;
    enrolled: number;
    completed: number;
    late: number;
    completedLate: number;
  }>(
    db,
    sql`WITH RECURSIVE ${reaching(o)}
      SELECT x.session_id AS "sessionId", to_char(x.week, 'YYYY-MM-DD') AS week, count(*)::int AS enrolled,
             count(*) FILTER (WHERE x.completed_at IS NOT NULL)::int AS completed,
             count(*) FILTER (WHERE x.completed_at IS NULL AND x.due <= ${now})::int AS late,
             count(*) FILTER (WHERE x.completed_at > x.due)::int AS "completedLate"
      FROM (
        SELECT e.session_id, e.completed_at, coalesce(e.due_at, s.closes_at) AS due,
               CASE WHEN e.completed_at >= ${tsParam(o.since)} AND e.completed_at <= ${now}
                    THEN date_trunc('week', e.completed_at AT TIME ZONE 'UTC') END AS week
        FROM enrolments e
        JOIN reaching r ON r.session_id = e.session_id
        JOIN program_sessions s ON s.id = e.session_id
        JOIN memberships m ON m.org_id = e.org_id AND m.account_id = e.account_id AND m.status = 'active'
        WHERE e.org_id = ${o.orgId}
          AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.org_id = m.org_id AND gm.account_id = m.account_id AND gm.group_id = ANY(${uuidArray(o.ids)}))
      ) x
      GROUP BY GROUPING SETS ((x.session_id), (x.week))`,
  );
  const out: EnrolmentCounts = { bySession: new Map(), byWeek: new Map() };
  for (const r of rows) {
    if (r.sessionId)
      out.bySession.set(r.sessionId, { enrolled: r.enrolled, completed: r.completed, late: r.late, completedLate: r.completedLate });
    else if (r.week) out.byWeek.set(r.week, r.enrolled);
  }
  return out;
}

/** Whether a session reaches the group (an export by session names one). */
export async function sessionReaches(db: Db, o: Scope & { sessionId: string }): Promise<boolean> {
  const rows = await queryRows(db, sql`WITH RECURSIVE ${reaching(o)} SELECT 1 FROM reaching WHERE session_id = ${o.sessionId}`);
  return rows.length > 0;
}

export type PersonRow = {
  name: string | null;
  email: string;
  status: string;
  lastSignInAt: string | null;
  program: string | null;
  percent: number | null;
  completedAt: string | null;
};

/** The people behind one number of the dashboard, by name (at most `limit`). */
export async function peopleBehind(
  db: Db,
  o: Scope & { metric: PeopleMetric; sessionId?: string; weekStart?: Date; limit: number },
): Promise<PersonRow[]> {
  const member = (where: SQL) => sql`WITH ${people(o)}
      SELECT a.name, a.email, p.status, a.last_login_at AS "lastSignInAt", NULL AS program, NULL::int AS percent, NULL AS "completedAt"
      FROM people p JOIN accounts a ON a.id = p.account_id WHERE ${where} ORDER BY a.name, a.email LIMIT ${o.limit}`;
  const enrolled = (where: SQL) => sql`WITH RECURSIVE ${people(o)}, ${reaching(o)}
      SELECT a.name, a.email, p.status, a.last_login_at AS "lastSignInAt", pr.title AS program, e.percent, e.completed_at AS "completedAt"
      FROM enrolments e
      JOIN people p ON p.account_id = e.account_id AND p.status = 'active'
      JOIN accounts a ON a.id = e.account_id
      JOIN program_sessions s ON s.id = e.session_id
      JOIN programs pr ON pr.id = s.program_id
      WHERE e.org_id = ${o.orgId} AND e.session_id IN (SELECT session_id FROM reaching) AND ${where}
      ORDER BY a.name, a.email, e.completed_at LIMIT ${o.limit}`;
  const inSession = sql`e.session_id = ${o.sessionId ?? null}::uuid`;
  const queries: Record<PeopleMetric, () => SQL> = {
    active: () => member(sql`p.status = 'active'`),
    archived: () => member(sql`p.status = 'archived'`),
    never_signed_in: () => member(sql`p.status = 'active' AND a.last_login_at IS NULL`),
    inactive_7: () => member(sql`p.status = 'active' AND a.last_login_at <= ${days(o, 7)}`),
    inactive_30: () => member(sql`p.status = 'active' AND a.last_login_at <= ${days(o, 30)}`),
    invited:
      () => sql`SELECT NULL AS name, i.email, 'invited' AS status, NULL AS "lastSignInAt", NULL AS program, NULL::int AS percent, NULL AS "completedAt"
      FROM invitations i WHERE ${openInvitation(o)} ORDER BY i.email_key LIMIT ${o.limit}`,
    enrolled: () => enrolled(inSession),
    completed: () => enrolled(sql`${inSession} AND e.completed_at IS NOT NULL`),
    late: () => enrolled(sql`${inSession} AND e.completed_at IS NULL AND coalesce(e.due_at, s.closes_at) <= ${tsParam(o.now)}`),
    completed_in_week: () => {
      const start = o.weekStart ?? o.now;
      return enrolled(sql`e.completed_at >= ${tsParam(start)} AND e.completed_at < ${tsParam(new Date(start.getTime() + 7 * 86_400_000))}`);
    },
  };
  return queryRows<PersonRow>(db, queries[o.metric]());
}
