import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordBatchEvents } from '../webhooks/events.service.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { queryRows, tsParam } from '../../lib/sql.js';
import { type GroupScope, memberInScope } from '../../http/group-scope.js';

type Ts = string | Date;
export type MyEnrolmentRow = {
  id: string;
  orgId: string;
  orgName: string;
  programId: string;
  programTitle: string;
  programDescription: string | null;
  sessionId: string;
  opensAt: Ts;
  closesAt: Ts | null;
  /** Issue 15: this enrolment's due date (its own, else the session's close date). */
  dueAt: Ts | null;
  percent: number;
  startedAt: Ts | null;
  completedAt: Ts | null;
  certificateId: string | null;
  referentId: string | null;
  referentName: string | null;
  referentEmail: string | null;
  /** The sort timestamp as text, full precision, for the cursor. */
  sortKey: string;
};

// What a learner may see: everything while their membership is active; once archived (or gone),
// only the enrolments they started or completed.
const VISIBLE_TO_LEARNER = sql`(m.status = 'active' OR e.percent > 0 OR e.completed_at IS NOT NULL)`;

/**
 * The learner's visible enrolments, with the referent to ask: the program's, or else the default
 * referent of the nearest group (from the learner's group upwards) through which the session applies.
 */
export async function listMyEnrolments(
  db: Db,
  o: { accountId: string; orgId?: string; enrolmentId?: string; limit: number; cursor?: string },
) {
  const c = decodeCursor(o.cursor, 2) as [string, string] | null;
  const where: SQL[] = [sql`e.account_id = ${o.accountId}`, VISIBLE_TO_LEARNER];
  if (o.orgId) where.push(sql`e.org_id = ${o.orgId}`);
  if (o.enrolmentId) where.push(sql`e.id = ${o.enrolmentId}`);
  if (c) where.push(sql`(s.opens_at, e.id) > (${String(c[0])}::timestamptz, ${String(c[1])}::uuid)`);
  const rows = await queryRows<MyEnrolmentRow>(
    db,
    sql`WITH RECURSIVE chain(member_group, group_id, depth) AS (
        SELECT gm.group_id, gm.group_id, 0 FROM group_members gm WHERE gm.account_id = ${o.accountId}
        UNION ALL
        SELECT ch.member_group, g.parent_id, ch.depth + 1 FROM chain ch JOIN groups g ON g.id = ch.group_id
        WHERE g.parent_id IS NOT NULL AND ch.depth < 1000
      )
      SELECT e.id, e.org_id AS "orgId", o.name AS "orgName", p.id AS "programId", p.title AS "programTitle", p.description AS "programDescription",
        e.session_id AS "sessionId", s.opens_at AS "opensAt", s.closes_at AS "closesAt", coalesce(e.due_at, s.closes_at) AS "dueAt", e.percent, e.started_at AS "startedAt",
        e.completed_at AS "completedAt", c.id AS "certificateId", r.id AS "referentId", r.name AS "referentName", r.email AS "referentEmail",
        s.opens_at::text AS "sortKey"
      FROM enrolments e
      JOIN program_sessions s ON s.id = e.session_id
      JOIN programs p ON p.id = s.program_id
      JOIN organizations o ON o.id = e.org_id
      LEFT JOIN memberships m ON m.org_id = e.org_id AND m.account_id = e.account_id
      LEFT JOIN certificates c ON e.completed_at IS NOT NULL AND c.program_id = p.id AND c.account_id = e.account_id
      LEFT JOIN LATERAL (
        SELECT g.default_referent_id AS id FROM chain ch JOIN groups g ON g.id = ch.group_id
        WHERE g.default_referent_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM chain up JOIN assignments a ON a.group_id = up.group_id WHERE up.member_group = ch.member_group AND a.session_id = e.session_id)
        ORDER BY ch.depth LIMIT 1
      ) gr ON true
      LEFT JOIN accounts r ON r.id = coalesce(p.referent_id, gr.id)
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY s.opens_at, e.id LIMIT ${o.limit + 1}`,
  );
  return toPage(rows, o.limit, (r) => [r.sortKey, r.id]);
}

/** The organizations a learner belongs to (any status), with their direct groups while active. */
export async function homeMemberships(db: Db, accountId: string) {
  const orgs = await queryRows<{ orgId: string; orgName: string; status: string }>(
    db,
    sql`SELECT m.org_id AS "orgId", o.name AS "orgName", m.status FROM memberships m JOIN organizations o ON o.id = m.org_id
      WHERE m.account_id = ${accountId} ORDER BY o.name, o.id`,
  );
  const groups = await queryRows<{
    orgId: string;
    id: string;
    name: string;
    welcomeMessage: string | null;
    logoKey: string | null;
    backgroundKey: string | null;
  }>(
    db,
    sql`SELECT g.org_id AS "orgId", g.id, g.name, g.welcome_message AS "welcomeMessage", g.logo_key AS "logoKey", g.background_key AS "backgroundKey"
      FROM group_members gm
      JOIN groups g ON g.id = gm.group_id
      JOIN memberships m ON m.org_id = gm.org_id AND m.account_id = gm.account_id AND m.status = 'active'
      WHERE gm.account_id = ${accountId} ORDER BY g.name_key, g.id`,
  );
  // issue 14: "the team" of each group — its observers and its default referent, names only.
  const team = await queryRows<{ groupId: string; role: 'observer' | 'referent'; id: string; name: string }>(
    db,
    sql`SELECT t."groupId", t.role, a.id, a.name FROM (
        SELECT go.group_id AS "groupId", 'observer' AS role, go.account_id AS id FROM group_members gm
        JOIN memberships m ON m.org_id = gm.org_id AND m.account_id = gm.account_id AND m.status = 'active'
        JOIN group_observers go ON go.org_id = gm.org_id AND go.group_id = gm.group_id
        JOIN memberships om ON om.org_id = go.org_id AND om.account_id = go.account_id AND om.status = 'active'
        WHERE gm.account_id = ${accountId}
        UNION
        SELECT g.id, 'referent', g.default_referent_id FROM group_members gm
        JOIN memberships m ON m.org_id = gm.org_id AND m.account_id = gm.account_id AND m.status = 'active'
        JOIN groups g ON g.org_id = gm.org_id AND g.id = gm.group_id
        JOIN memberships rm ON rm.org_id = g.org_id AND rm.account_id = g.default_referent_id AND rm.status = 'active'
        WHERE gm.account_id = ${accountId}
      ) t JOIN accounts a ON a.id = t.id ORDER BY a.name, a.id`,
  );
  return { orgs, groups, team };
}

export type ProgressTarget = {
  id: string;
  orgId: string;
  sessionId: string;
  programId: string;
  percent: number;
  completedAt: Ts | null;
  opensAt: Ts;
  closesAt: Ts | null;
  memberStatus: string | null;
  accountId: string;
};

/** Locks one of the learner's enrolments for a progress update. */
export async function lockMyEnrolment(
  tx: Db,
  o: { accountId: string; enrolmentId: string } | { orgId: string; enrolmentId: string },
): Promise<ProgressTarget | null> {
  // issue 12: another system reports progress for any enrolment of its organization.
  const owner = 'accountId' in o ? sql`e.account_id = ${o.accountId}` : sql`e.org_id = ${o.orgId}`;
  const [row] = await queryRows<ProgressTarget>(
    tx,
    sql`SELECT e.id, e.org_id AS "orgId", e.session_id AS "sessionId", s.program_id AS "programId", e.percent, e.completed_at AS "completedAt",
        s.opens_at AS "opensAt", s.closes_at AS "closesAt", m.status AS "memberStatus", e.account_id AS "accountId"
      FROM enrolments e
      JOIN program_sessions s ON s.id = e.session_id
      LEFT JOIN memberships m ON m.org_id = e.org_id AND m.account_id = e.account_id
      WHERE e.id = ${o.enrolmentId} AND ${owner}
      FOR UPDATE OF e`,
  );
  return row ?? null;
}

/** Raises the percent (never lowers it); 100 completes the enrolment. */
export async function raiseProgress(tx: Db, o: { enrolmentId: string; percent: number; now: Date }): Promise<void> {
  const now = tsParam(o.now);
  await tx.execute(
    sql`UPDATE enrolments SET
        percent = greatest(percent, ${o.percent}::smallint),
        started_at = coalesce(started_at, ${now}),
        completed_at = CASE WHEN greatest(percent, ${o.percent}::smallint) = 100 THEN coalesce(completed_at, ${now}) ELSE completed_at END,
        updated_at = ${now}
      WHERE id = ${o.enrolmentId}`,
  );
}

/** Issues the learner's certificate for the program, once: a second completion keeps the first certificate. */
export async function issueCertificate(
  tx: Db,
  o: { id: string; orgId: string; accountId: string; programId: string; sessionId: string; enrolmentId: string; now: Date },
) {
  await tx.execute(
    sql`INSERT INTO certificates (id, org_id, account_id, program_id, session_id, enrolment_id, issued_at)
      VALUES (${o.id}, ${o.orgId}, ${o.accountId}, ${o.programId}, ${o.sessionId}, ${o.enrolmentId}, ${tsParam(o.now)})
      ON CONFLICT (program_id, account_id) DO NOTHING`,
  );
}

export type CertificateRow = {
  id: string;
  orgId: string;
  accountId: string;
  learnerName: string;
  programTitle: string;
  organizationName: string;
  sessionOpensAt: Ts;
  sessionClosesAt: Ts | null;
  issuedAt: Ts;
};

export async function findCertificate(db: Db, id: string): Promise<CertificateRow | null> {
  const [row] = await queryRows<CertificateRow>(
    db,
    sql`SELECT c.id, c.org_id AS "orgId", c.account_id AS "accountId", a.name AS "learnerName", p.title AS "programTitle", o.name AS "organizationName",
        s.opens_at AS "sessionOpensAt", s.closes_at AS "sessionClosesAt", c.issued_at AS "issuedAt"
      FROM certificates c
      JOIN accounts a ON a.id = c.account_id
      JOIN programs p ON p.id = c.program_id
      JOIN organizations o ON o.id = c.org_id
      JOIN program_sessions s ON s.id = c.session_id
      WHERE c.id = ${id}`,
  );
  return row ?? null;
}

/** The role of an account in an organization while its membership is active. */
export async function activeRole(db: Db, orgId: string, accountId: string): Promise<string | null> {
  const [row] = await queryRows<{ role: string }>(
    db,
    sql`SELECT role FROM memberships WHERE org_id = ${orgId} AND account_id = ${accountId} AND status = 'active'`,
  );
  return row?.role ?? null;
}

export type OrgEnrolmentRow = Omit<
  MyEnrolmentRow,
  'orgId' | 'orgName' | 'programDescription' | 'referentId' | 'referentName' | 'referentEmail'
> & {
  accountId: string;
  name: string;
  email: string;
  memberStatus: string;
};

/**
 * A page of the organization's enrolments, newest first. Archived members show only their completed
 * enrolments (the certificates the organization issued), never in-progress data.
 */
export async function listOrgEnrolments(
  db: Db,
  o: {
    orgId: string;
    limit: number;
    cursor?: string;
    accountId?: string;
    sessionId?: string;
    groupId?: string;
    programId?: string;
    scope?: GroupScope;
  },
) {
  const c = decodeCursor(o.cursor, 2) as [string, string] | null;
  const where: SQL[] = [sql`e.org_id = ${o.orgId}`, sql`(m.status = 'active' OR e.completed_at IS NOT NULL)`];
  if (o.scope) where.push(memberInScope(o.scope, sql`e.account_id`));
  if (o.accountId) where.push(sql`e.account_id = ${o.accountId}`);
  if (o.sessionId) where.push(sql`e.session_id = ${o.sessionId}`);
  if (o.programId) where.push(sql`s.program_id = ${o.programId}`);
  if (o.groupId)
    where.push(
      sql`e.account_id IN (SELECT gm.account_id FROM group_members gm JOIN sub ON sub.id = gm.group_id WHERE gm.org_id = ${o.orgId})`,
    );
  if (c) where.push(sql`(e.created_at, e.id) < (${String(c[0])}::timestamptz, ${String(c[1])}::uuid)`);
  const sub = o.groupId
    ? sql`WITH RECURSIVE sub(id) AS (
        SELECT id FROM groups WHERE org_id = ${o.orgId} AND id = ${o.groupId}
        UNION
        SELECT g.id FROM groups g JOIN sub ON g.parent_id = sub.id WHERE g.org_id = ${o.orgId}
      )`
    : sql``;
  const rows = await queryRows<OrgEnrolmentRow>(
    db,
    sql`${sub}
      SELECT e.id, e.account_id AS "accountId", a.name, a.email, coalesce(m.status, 'removed') AS "memberStatus",
        p.id AS "programId", p.title AS "programTitle", e.session_id AS "sessionId", s.opens_at AS "opensAt", s.closes_at AS "closesAt",
        e.percent, e.started_at AS "startedAt", e.completed_at AS "completedAt", c.id AS "certificateId", e.created_at::text AS "sortKey"
      FROM enrolments e
      JOIN program_sessions s ON s.id = e.session_id
      JOIN programs p ON p.id = s.program_id
      JOIN accounts a ON a.id = e.account_id
      LEFT JOIN memberships m ON m.org_id = e.org_id AND m.account_id = e.account_id
      LEFT JOIN certificates c ON e.completed_at IS NOT NULL AND c.program_id = p.id AND c.account_id = e.account_id
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY e.created_at DESC, e.id DESC LIMIT ${o.limit + 1}`,
  );
  return toPage(rows, o.limit, (r) => [r.sortKey, r.id]);
}

/** Enrols one account in one session; already enrolled is fine. */
export async function enrolInSession(
  tx: Db,
  o: { orgId: string; sessionId: string; accountId: string; now: Date; jobs: JobQueue },
): Promise<void> {
  const [row] = await queryRows<{ id: string; programId: string }>(
    tx,
    sql`WITH ins AS (
        INSERT INTO enrolments (org_id, session_id, account_id, created_at, due_at)
        SELECT ${o.orgId}, ps.id, ${o.accountId}, ${o.now.toISOString()}::timestamptz,
               ${o.now.toISOString()}::timestamptz + ps.due_days_after_enrolment * interval '1 day'
        FROM program_sessions ps WHERE ps.id = ${o.sessionId}
        ON CONFLICT DO NOTHING RETURNING id, session_id
      )
      SELECT ins.id, s.program_id AS "programId" FROM ins JOIN program_sessions s ON s.id = ins.session_id`,
  );
  // issue 12: webhook, in the same transaction
  if (row)
    await recordBatchEvents(tx, o.jobs, o.orgId, 'enrolment.created', [
      { enrolmentId: row.id, accountId: o.accountId, sessionId: o.sessionId, programId: row.programId },
    ]);
}
