import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { queryCount, queryRows, tsParam, uuidArray } from '../../lib/sql.js';
import { hasSubscribers, recordBatchEvents } from '../webhooks/events.service.js';

// The one rule, in set-based SQL: a session attached to a group applies to the active members of
// that group and of its sub-groups (any depth). Each function below is one statement whatever the
// number of people; none loops over rows. An account gets ONE enrolment per session
// (unique (session_id, account_id) + ON CONFLICT DO NOTHING), and a new enrolment starts from the
// best progress the learner already has in another session of the same program.

/**
 * Inserts enrolments for the (session_id, account_id) pairs that `pairs` selects, carrying over
 * progress from other sessions of the same program. `ctes` are extra CTEs `pairs` may use.
 */
async function insertEnrolments(db: Db, o: EnrolmentInsert): Promise<number> {
  return (await insertEnrolmentsAdding(db, o)).enrolled;
}

type EnrolmentInsert = { orgId: string; now: Date; jobs: JobQueue; ctes?: SQL; pairs: SQL; adding?: SQL };

/**
 * insertEnrolments, with `adding` (an INSERT … RETURNING that the pairs do not read, like the
 * group_members rows of the people being enrolled) run in the same statement: one round trip for both.
 */
async function insertEnrolmentsAdding(db: Db, o: EnrolmentInsert): Promise<{ enrolled: number; added: number }> {
  // `best` joins the pairs to the learners' STARTED enrolments in sessions of the same program
  // (partial index enrolments_started_idx): a few index probes for a few pairs, one hash join over
  // the started rows for 100,000 pairs, never a scan of the not-started ones. Rows go in by account,
  // then session: the account_id index fills page by page, and (session_id, account_id) at one place
  // per session, instead of at random (measured on 100,000 rows: ~1.6× the plain INSERT … SELECT
  // without ordering, about 1× with it).
  return insertAndTellAdding(
    db,
    o,
    (returning) => sql`WITH RECURSIVE ${o.ctes ? sql`${o.ctes},` : sql``}
      ${o.adding ? sql`adding AS (${o.adding}),` : sql``}
      pairs(session_id, account_id) AS (${o.pairs}),
      best AS (
        SELECT p.session_id, p.account_id, max(e.percent) AS percent, min(e.started_at) AS started_at, min(e.completed_at) AS completed_at
        FROM pairs p
        JOIN program_sessions ps ON ps.id = p.session_id
        JOIN program_sessions other ON other.program_id = ps.program_id AND other.id <> ps.id
        JOIN enrolments e ON e.session_id = other.id AND e.account_id = p.account_id AND (e.percent > 0 OR e.completed_at IS NOT NULL)
        GROUP BY p.session_id, p.account_id
      ),
      ins AS (
        INSERT INTO enrolments (org_id, session_id, account_id, percent, started_at, completed_at, updated_at, created_at, due_at)
        SELECT ${o.orgId}, p.session_id, p.account_id, coalesce(b.percent, 0), b.started_at, b.completed_at, ${tsParam(o.now)}, ${tsParam(o.now)},
               ${dueAt(o.now)}
        FROM pairs p
        JOIN program_sessions ps ON ps.id = p.session_id
        LEFT JOIN best b ON b.session_id = p.session_id AND b.account_id = p.account_id
        ORDER BY p.account_id, p.session_id
        ON CONFLICT (session_id, account_id) DO NOTHING
        RETURNING id, session_id, account_id
      )
      ${returning}`,
  );
}

/**
 * Runs an enrolment INSERT (CTE `ins` returning id, session_id, account_id) and, in the same
 * transaction, records `enrolment.created` for the new rows — grouped, one message per
 * EVENT_BATCH_SIZE. When no endpoint listens only the count comes back (nothing per row).
 */
async function insertAndTell(db: Db, o: { orgId: string; jobs: JobQueue }, statement: (returning: SQL) => SQL): Promise<number> {
  return (await insertAndTellAdding(db, o, statement)).enrolled;
}

/** insertAndTell, also counting the rows of CTE `adding` when the statement has one (`o.adding`). */
async function insertAndTellAdding(
  db: Db,
  o: { orgId: string; jobs: JobQueue; adding?: SQL },
  statement: (returning: SQL) => SQL,
): Promise<{ enrolled: number; added: number }> {
  const added = o.adding ? sql`(SELECT count(*)::int FROM adding)` : sql`0`;
  if (!(await hasSubscribers(db, o.orgId, 'enrolment.created'))) {
    const [row] = await queryRows<{ n: number; added: number }>(
      db,
      statement(sql`SELECT (SELECT count(*)::int FROM ins) AS n, ${added} AS added`),
    );
    return { enrolled: Number(row?.n ?? 0), added: Number(row?.added ?? 0) };
  }
  // One row at least (the count of `adding`), then one per new enrolment.
  const rows = await queryRows<Record<string, string | null> & { added: number }>(
    db,
    statement(sql`SELECT ins.id AS "enrolmentId", ins.account_id AS "accountId", ins.session_id AS "sessionId", ps.program_id AS "programId",
        ${added} AS added
      FROM (SELECT 1) AS one LEFT JOIN (ins JOIN program_sessions ps ON ps.id = ins.session_id) ON true
      ORDER BY ins.account_id, ins.session_id`),
  );
  const enrolled = rows.filter((r) => r.enrolmentId !== null).map(({ added: _, ...r }) => r);
  await recordBatchEvents(db, o.jobs, o.orgId, 'enrolment.created', enrolled);
  return { enrolled: enrolled.length, added: Number(rows[0]?.added ?? 0) };
}

/**
 * Issue 15: an enrolment's own due date, when its session (`ps`) is due N days after enrolment; null
 * otherwise (the session's close date, if any, is then the due date). Set by every insert here.
 */
export const dueAt = (now: Date) => sql`${tsParam(now)} + ps.due_days_after_enrolment * interval '1 day'`;

/** The group and all its sub-groups, as CTE `sub(id)`. */
export const subtree = (orgId: string, groupId: string) => sql`sub(id) AS (
  SELECT id FROM groups WHERE org_id = ${orgId} AND id = ${groupId}
  UNION
  SELECT g.id FROM groups g JOIN sub ON g.parent_id = sub.id WHERE g.org_id = ${orgId}
)`;

/** The given groups and all their ancestors, as CTE `up(id)`. */
export const ancestorsOf = (orgId: string, groupIds: SQL) => sql`up(id) AS (
  SELECT id FROM groups WHERE org_id = ${orgId} AND id = ANY(${groupIds})
  UNION
  SELECT g.parent_id FROM groups g JOIN up ON g.id = up.id WHERE g.org_id = ${orgId} AND g.parent_id IS NOT NULL
)`;

/** Attaching: enrols every active member of the group and of its sub-groups in the session. */
export function enrolGroupInSession(
  db: Db,
  o: { orgId: string; groupId: string; sessionId: string; now: Date; jobs: JobQueue },
): Promise<number> {
  // A semi-join from memberships (unique per account) instead of DISTINCT over group_members:
  // an account in several sub-groups counts once, with no sort or hash of 100,000 rows to spill.
  return insertEnrolments(db, {
    ...o,
    ctes: subtree(o.orgId, o.groupId),
    pairs: sql`SELECT ${o.sessionId}::uuid, m.account_id
      FROM memberships m
      WHERE m.org_id = ${o.orgId} AND m.status = 'active'
        AND EXISTS (SELECT 1 FROM group_members gm JOIN sub ON sub.id = gm.group_id WHERE gm.org_id = m.org_id AND gm.account_id = m.account_id)`,
  });
}

/** The sessions still open at `now` (scheduled or ongoing) attached to the groups of CTE `up`, as CTE `open_sessions`. */
const openSessionsOfUp = (orgId: string, now: Date) => sql`open_sessions(session_id) AS (
  SELECT DISTINCT a.session_id FROM assignments a
  JOIN up ON up.id = a.group_id
  JOIN program_sessions s ON s.id = a.session_id
  WHERE a.org_id = ${orgId} AND (s.closes_at IS NULL OR s.closes_at > ${tsParam(now)})
)`;

/**
 * Joining: enrols the accounts in the open sessions attached to the groups or to their ancestors.
 * `adding` (see insertEnrolmentsAdding) runs in the same statement; its rows are counted in `added`.
 */
export function enrolAccountsInGroupSessions(
  db: Db,
  o: { orgId: string; groupIds: string[]; accountIds: string[]; now: Date; jobs: JobQueue; adding?: SQL },
): Promise<{ enrolled: number; added: number }> {
  return insertEnrolmentsAdding(db, {
    ...o,
    ctes: sql`${ancestorsOf(o.orgId, uuidArray(o.groupIds))}, ${openSessionsOfUp(o.orgId, o.now)}`,
    pairs: sql`SELECT os.session_id, m.account_id FROM open_sessions os CROSS JOIN ${activeMembersAmong(o.orgId, o.accountIds)}`,
  });
}

/** Up to this many accounts are checked one primary-key probe each; more are joined set-based. */
const PROBE_MAX = 1_000;

/**
 * The active members of orgId among the accounts, as `m`. A few accounts (someone joining) are each
 * looked up by the primary key: written as a join, the planner may walk every active member of the
 * organization through the covering status index when its statistics do not know the organization
 * yet (a new one filling fast: 5,000 buffer reads per join at 5,000 members). Many accounts (bulk
 * adds) are one set-based scan.
 */
export const activeMembersAmong = (orgId: string, accountIds: readonly string[]) =>
  accountIds.length <= PROBE_MAX
    ? sql`(SELECT x.account_id FROM unnest(${uuidArray(accountIds)}) AS x(account_id)
         WHERE (SELECT mm.status FROM memberships mm WHERE mm.org_id = ${orgId} AND mm.account_id = x.account_id) = 'active') AS m`
    : sql`(SELECT mm.account_id FROM memberships mm
         WHERE mm.org_id = ${orgId} AND mm.status = 'active' AND mm.account_id = ANY(${uuidArray(accountIds)})) AS m`;

/** Moving a group: enrols the members of its sub-tree in the open sessions of its (new) ancestors. */
export function enrolSubtreeInAncestorSessions(db: Db, o: { orgId: string; groupId: string; now: Date; jobs: JobQueue }): Promise<number> {
  return insertEnrolments(db, {
    ...o,
    ctes: sql`${subtree(o.orgId, o.groupId)}, ${ancestorsOf(o.orgId, uuidArray([o.groupId]))}, ${openSessionsOfUp(o.orgId, o.now)}`,
    pairs: sql`SELECT os.session_id, m.account_id FROM open_sessions os
      CROSS JOIN memberships m
      WHERE m.org_id = ${o.orgId} AND m.status = 'active'
        AND EXISTS (SELECT 1 FROM group_members gm JOIN sub ON sub.id = gm.group_id WHERE gm.org_id = m.org_id AND gm.account_id = m.account_id)`,
  });
}

/** Session ids attached to the groups or to any of their ancestors (to prune after a group moves or goes). */
export async function sessionsReaching(db: Db, o: { orgId: string; groupIds: string[] }): Promise<string[]> {
  const rows = await queryRows<{ sessionId: string }>(
    db,
    sql`WITH RECURSIVE ${ancestorsOf(o.orgId, uuidArray(o.groupIds))}
      SELECT DISTINCT a.session_id AS "sessionId" FROM assignments a JOIN up ON up.id = a.group_id WHERE a.org_id = ${o.orgId}`,
  );
  return rows.map((r) => r.sessionId);
}

/**
 * Deletes the enrolments not yet started (percent 0, not completed) that no group of their learner
 * still justifies, among the given accounts (ids, or a subquery selecting account ids) and/or
 * sessions. Started and completed enrolments always stay.
 */
export function pruneEnrolments(db: Db, o: { orgId: string; accountIds?: string[] | SQL; sessionIds?: string[] }): Promise<number> {
  if (!o.accountIds && !o.sessionIds) throw new Error('pruneEnrolments needs accountIds or sessionIds');
  const accounts = o.accountIds;
  const onAccounts = (col: SQL) =>
    !accounts ? sql`` : Array.isArray(accounts) ? sql`AND ${col} = ANY(${uuidArray(accounts)})` : sql`AND ${col} IN (${accounts})`;
  const onSessions = (col: SQL) => (o.sessionIds ? sql`AND ${col} = ANY(${uuidArray(o.sessionIds)})` : sql``);
  return queryCount(
    db,
    sql`WITH RECURSIVE closure(group_id, ancestor_id) AS (
        SELECT id, id FROM groups WHERE org_id = ${o.orgId}
        UNION
        SELECT c.group_id, g.parent_id FROM closure c JOIN groups g ON g.id = c.ancestor_id WHERE g.org_id = ${o.orgId} AND g.parent_id IS NOT NULL
      ),
      justified AS (
        SELECT DISTINCT gm.account_id, a.session_id
        FROM group_members gm
        JOIN closure c ON c.group_id = gm.group_id
        JOIN assignments a ON a.org_id = ${o.orgId} AND a.group_id = c.ancestor_id
        WHERE gm.org_id = ${o.orgId} ${onAccounts(sql`gm.account_id`)} ${onSessions(sql`a.session_id`)}
      ),
      del AS (
        DELETE FROM enrolments e
        WHERE e.org_id = ${o.orgId} ${onAccounts(sql`e.account_id`)} ${onSessions(sql`e.session_id`)}
          AND e.percent = 0 AND e.completed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM justified j WHERE j.account_id = e.account_id AND j.session_id = e.session_id)
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM del`,
  );
}

/**
 * After many people joined many groups at once (an import): enrols each account in the open sessions
 * attached to the groups it just joined and to their ancestors — never in other people's groups'
 * sessions. `joined` selects (account_id, group_id) pairs of ACTIVE members; it is read as given
 * (no probe into group_members or memberships per person).
 */
export function enrolJoinedInGroupSessions(db: Db, o: { orgId: string; joined: SQL; now: Date; jobs: JobQueue }): Promise<number> {
  return insertEnrolments(db, {
    ...o,
    ctes: openSessionsByGroup(o.orgId, o.now),
    // No DISTINCT: a pair twice (two joined groups reaching one session) is inserted once (ON CONFLICT DO NOTHING).
    pairs: sql`SELECT ob.session_id, j.account_id FROM (${o.joined}) AS j(account_id, group_id)
      JOIN open_by_group ob ON ob.group_id = j.group_id`,
  });
}

/**
 * The same for accounts made by the calling transaction (an import in mode `create`): they have no
 * enrolment anywhere and nobody else can see them yet, so there is no progress to carry over and no
 * conflict to look for — a plain INSERT … SELECT, one row per (session, account), in index order.
 */
export function enrolNewAccountsInGroupSessions(db: Db, o: { orgId: string; joined: SQL; now: Date; jobs: JobQueue }): Promise<number> {
  return insertAndTell(
    db,
    o,
    (returning) => sql`WITH RECURSIVE ${openSessionsByGroup(o.orgId, o.now)},
      ins AS (
        INSERT INTO enrolments (org_id, session_id, account_id, percent, updated_at, created_at, due_at)
        SELECT DISTINCT ${o.orgId}::uuid, ob.session_id, j.account_id, 0, ${tsParam(o.now)}, ${tsParam(o.now)}, ${dueAt(o.now)}
        FROM (${o.joined}) AS j(account_id, group_id) JOIN open_by_group ob ON ob.group_id = j.group_id
        JOIN program_sessions ps ON ps.id = ob.session_id
        ORDER BY j.account_id, ob.session_id
        RETURNING id, session_id, account_id
      )
      ${returning}`,
  );
}

/** The open sessions reaching each group of the organization (attached to it or to an ancestor), as CTE `open_by_group(group_id, session_id)`. */
const openSessionsByGroup = (orgId: string, now: Date) => sql`chain(group_id, ancestor_id) AS (
    SELECT id, id FROM groups WHERE org_id = ${orgId}
    UNION
    SELECT c.group_id, g.parent_id FROM chain c JOIN groups g ON g.id = c.ancestor_id WHERE g.org_id = ${orgId} AND g.parent_id IS NOT NULL
  ),
  open_by_group(group_id, session_id) AS (
    SELECT DISTINCT c.group_id, a.session_id FROM chain c
    JOIN assignments a ON a.org_id = ${orgId} AND a.group_id = c.ancestor_id
    JOIN program_sessions s ON s.id = a.session_id
    WHERE s.closes_at IS NULL OR s.closes_at > ${tsParam(now)}
  )`;
