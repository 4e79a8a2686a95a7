import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { queryRows, tsParam } from '../../lib/sql.js';
import type { SessionStatus } from './programs.schemas.js';
import { one } from '../../lib/rows.js';

export type ProgramRow = {
  id: string;
  title: string;
  description: string | null;
  referentId: string | null;
  referentName: string | null;
  referentEmail: string | null;
  sessionCount: number;
  createdAt: string | Date;
  updatedAt: string | Date;
};
export type SessionRow = {
  id: string;
  programId: string;
  opensAt: string | Date;
  closesAt: string | Date | null;
  dueDaysAfterEnrolment: number | null;
  remindDaysBefore: number | null;
  remindWhenLate: boolean;
  groupCount: number;
  enrolmentCount: number;
  createdAt: string | Date;
  updatedAt: string | Date;
  sortKey: string;
};

const selectPrograms = (where: SQL, tail: SQL = sql``) => sql`
  SELECT p.id, p.title, p.description, p.referent_id AS "referentId", r.name AS "referentName", r.email AS "referentEmail",
    (SELECT count(*)::int FROM program_sessions s WHERE s.program_id = p.id) AS "sessionCount",
    p.created_at AS "createdAt", p.updated_at AS "updatedAt"
  FROM programs p LEFT JOIN accounts r ON r.id = p.referent_id
  WHERE ${where} ${tail}`;

const selectSessions = (where: SQL, tail: SQL = sql``) => sql`
  SELECT s.id, s.program_id AS "programId", s.opens_at AS "opensAt", s.closes_at AS "closesAt",
    s.due_days_after_enrolment AS "dueDaysAfterEnrolment", s.remind_days_before AS "remindDaysBefore", s.remind_when_late AS "remindWhenLate",
    (SELECT count(*)::int FROM assignments a WHERE a.session_id = s.id) AS "groupCount",
    (SELECT count(*)::int FROM enrolments e WHERE e.session_id = s.id) AS "enrolmentCount",
    s.created_at AS "createdAt", s.updated_at AS "updatedAt", s.opens_at::text AS "sortKey"
  FROM program_sessions s
  WHERE ${where} ${tail}`;

export async function findProgram(db: Db, orgId: string, programId: string): Promise<ProgramRow | null> {
  const [row] = await queryRows<ProgramRow>(db, selectPrograms(sql`p.org_id = ${orgId} AND p.id = ${programId}`));
  return row ?? null;
}

/** A page of the organization's programs, by title. */
export async function listPrograms(db: Db, o: { orgId: string; limit: number; cursor?: string; q?: string }) {
  const c = decodeCursor(o.cursor, 2) as [string, string] | null;
  const where: SQL[] = [sql`p.org_id = ${o.orgId}`];
  if (o.q) where.push(sql`lower(p.title) LIKE ${`%${o.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
  if (c) where.push(sql`(p.title, p.id) > (${String(c[0])}, ${String(c[1])}::uuid)`);
  const rows = await queryRows<ProgramRow>(
    db,
    selectPrograms(sql.join(where, sql` AND `), sql`ORDER BY p.title, p.id LIMIT ${o.limit + 1}`),
  );
  return toPage(rows, o.limit, (r) => [r.title, r.id]);
}

export async function insertProgram(
  tx: Db,
  o: { orgId: string; title: string; description: string | null; referentId: string | null; now: Date },
): Promise<string> {
  const row = one(
    await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO programs (org_id, title, description, referent_id, created_at, updated_at)
      VALUES (${o.orgId}, ${o.title}, ${o.description}, ${o.referentId}, ${tsParam(o.now)}, ${tsParam(o.now)}) RETURNING id`,
    ),
    'programs',
  );
  return row.id;
}

export async function updateProgramRow(
  tx: Db,
  o: { orgId: string; programId: string; now: Date; changes: { title?: string; description?: string | null; referentId?: string | null } },
): Promise<boolean> {
  const sets: SQL[] = [sql`updated_at = ${tsParam(o.now)}`];
  if (o.changes.title !== undefined) sets.push(sql`title = ${o.changes.title}`);
  if (o.changes.description !== undefined) sets.push(sql`description = ${o.changes.description}`);
  if (o.changes.referentId !== undefined) sets.push(sql`referent_id = ${o.changes.referentId}`);
  const rows = await queryRows(
    tx,
    sql`UPDATE programs SET ${sql.join(sets, sql`, `)} WHERE org_id = ${o.orgId} AND id = ${o.programId} RETURNING 1`,
  );
  return rows.length > 0;
}

/** How many enrolments of the program (or of one session) have progress: what deleting would lose. */
export async function countStarted(db: Db, o: { orgId: string; programId?: string; sessionId?: string }): Promise<number> {
  const which = o.sessionId
    ? sql`e.session_id = ${o.sessionId}`
    : sql`e.session_id IN (SELECT id FROM program_sessions WHERE org_id = ${o.orgId} AND program_id = ${o.programId!})`;
  const row = one(
    await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM enrolments e WHERE e.org_id = ${o.orgId} AND ${which} AND (e.percent > 0 OR e.completed_at IS NOT NULL)`,
    ),
    'programs',
  );
  return row.n;
}

export async function deleteProgramRow(tx: Db, orgId: string, programId: string): Promise<boolean> {
  return (await queryRows(tx, sql`DELETE FROM programs WHERE org_id = ${orgId} AND id = ${programId} RETURNING 1`)).length > 0;
}

export async function findSession(
  db: Db,
  o: { orgId: string; programId: string; sessionId: string; lock?: boolean },
): Promise<SessionRow | null> {
  const [row] = await queryRows<SessionRow>(
    db,
    selectSessions(
      sql`s.org_id = ${o.orgId} AND s.program_id = ${o.programId} AND s.id = ${o.sessionId}`,
      o.lock ? sql`FOR UPDATE OF s` : sql``,
    ),
  );
  return row ?? null;
}

/** A page of a program's sessions by opening date, optionally only those with a status at `now`. */
export async function listSessions(
  db: Db,
  o: { orgId: string; programId: string; limit: number; cursor?: string; status?: SessionStatus; now: Date },
) {
  const c = decodeCursor(o.cursor, 2) as [string, string] | null;
  const now = tsParam(o.now);
  const where: SQL[] = [sql`s.org_id = ${o.orgId}`, sql`s.program_id = ${o.programId}`];
  if (o.status === 'scheduled') where.push(sql`s.opens_at > ${now}`);
  if (o.status === 'ongoing') where.push(sql`s.opens_at <= ${now} AND (s.closes_at IS NULL OR s.closes_at > ${now})`);
  if (o.status === 'closed') where.push(sql`s.closes_at <= ${now}`);
  if (c) where.push(sql`(s.opens_at, s.id) > (${String(c[0])}::timestamptz, ${String(c[1])}::uuid)`);
  const rows = await queryRows<SessionRow>(
    db,
    selectSessions(sql.join(where, sql` AND `), sql`ORDER BY s.opens_at, s.id LIMIT ${o.limit + 1}`),
  );
  return toPage(rows, o.limit, (r) => [r.sortKey, r.id]);
}

export async function insertSession(
  tx: Db,
  o: { orgId: string; programId: string; opensAt: string; closesAt: string | null; now: Date },
): Promise<string> {
  const row = one(
    await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO program_sessions (org_id, program_id, opens_at, closes_at, created_at, updated_at)
      VALUES (${o.orgId}, ${o.programId}, ${o.opensAt}::timestamptz, ${o.closesAt}::timestamptz, ${tsParam(o.now)}, ${tsParam(o.now)}) RETURNING id`,
    ),
    'programs',
  );
  return row.id;
}

export async function updateSessionRow(
  tx: Db,
  o: { orgId: string; sessionId: string; opensAt: string; closesAt: string | null; now: Date },
): Promise<void> {
  await tx.execute(
    sql`UPDATE program_sessions SET opens_at = ${o.opensAt}::timestamptz, closes_at = ${o.closesAt}::timestamptz, updated_at = ${tsParam(o.now)}
      WHERE org_id = ${o.orgId} AND id = ${o.sessionId}`,
  );
}

export async function deleteSessionRow(tx: Db, orgId: string, sessionId: string): Promise<void> {
  await tx.execute(sql`DELETE FROM program_sessions WHERE org_id = ${orgId} AND id = ${sessionId}`);
}
