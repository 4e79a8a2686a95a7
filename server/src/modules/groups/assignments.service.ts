import { type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { conflict, invalidField, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import { enrolGroupInSession, pruneEnrolments } from './enrolment-rules.js';
import { findGroup } from './groups.repo.js';
import type { Actor } from './groups.service.js';
import { queryRows, tsParam } from '../../lib/sql.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'jobs'>;
export type AssignmentRow = {
  groupId: string;
  sessionId: string;
  programId: string;
  programTitle: string;
  opensAt: string | Date;
  closesAt: string | Date | null;
  assignedAt: string | Date;
  sortKey: string;
};

function selectAssignments(where: SQL, tail: SQL = sql``) {
  return sql`SELECT a.group_id AS "groupId", a.session_id AS "sessionId", s.program_id AS "programId", p.title AS "programTitle",
      s.opens_at AS "opensAt", s.closes_at AS "closesAt", a.created_at AS "assignedAt", s.opens_at::text AS "sortKey"
    FROM assignments a
    JOIN program_sessions s ON s.id = a.session_id
    JOIN programs p ON p.id = s.program_id
    WHERE ${where} ${tail}`;
}

async function findAssignment(db: Db, o: { orgId: string; groupId: string; sessionId: string }) {
  const [row] = await queryRows<AssignmentRow>(
    db,
    selectAssignments(sql`a.org_id = ${o.orgId} AND a.group_id = ${o.groupId} AND a.session_id = ${o.sessionId}`),
  );
  return row ?? null;
}

/** The sessions attached to a group, by opening date. */
export async function listAssignments(ctx: Pick<AppContext, 'db'>, o: { orgId: string; groupId: string; limit: number; cursor?: string }) {
  if (!(await findGroup(ctx.db, o.orgId, o.groupId))) throw notFound('Group');
  const c = decodeCursor(o.cursor, 2) as [string, string] | null;
  const after = c ? sql`AND (s.opens_at, s.id) > (${String(c[0])}::timestamptz, ${String(c[1])}::uuid)` : sql``;
  const rows = await queryRows<AssignmentRow>(
    ctx.db,
    selectAssignments(
      sql`a.org_id = ${o.orgId} AND a.group_id = ${o.groupId} ${after}`,
      sql`ORDER BY s.opens_at, s.id LIMIT ${o.limit + 1}`,
    ),
  );
  return toPage(rows, o.limit, (r) => [r.sortKey, r.sessionId]);
}

/**
 * Attaches a session to a group and enrols, in one statement, every active member of the group and
 * of its sub-groups. The group row is locked so a member joining at the same moment is enrolled too.
 */
export async function attachSession(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string; sessionId: string }) {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [group] = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM groups WHERE org_id = ${o.orgId} AND id = ${o.groupId} FOR NO KEY UPDATE`,
    );
    if (!group) throw notFound('Group');
    const [session] = await queryRows<{ programId: string }>(
      tx,
      sql`SELECT program_id AS "programId" FROM program_sessions WHERE org_id = ${o.orgId} AND id = ${o.sessionId}`,
    );
    if (!session) throw invalidField('sessionId', 'No such session in this organization.');
    const inserted = await queryRows(
      tx,
      sql`INSERT INTO assignments (org_id, group_id, session_id, created_at) VALUES (${o.orgId}, ${o.groupId}, ${o.sessionId}, ${tsParam(now)})
        ON CONFLICT DO NOTHING RETURNING 1`,
    );
    if (inserted.length === 0)
      throw conflict('already_assigned', 'This session is already attached to this group.', { fields: { sessionId: 'Already attached.' } });
    const enrolled = await enrolGroupInSession(tx, { orgId: o.orgId, groupId: o.groupId, sessionId: o.sessionId, now, jobs: ctx.jobs });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'assignment.created',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { sessionId: o.sessionId, programId: session.programId, enrolled },
    });
    const row = await findAssignment(tx, o);
    return { ...row!, enrolled };
  });
}

/** Detaches a session from a group; not-started enrolments that no other group justifies go. */
export async function detachSession(ctx: Ctx, o: { actor: Actor; orgId: string; groupId: string; sessionId: string }) {
  await ctx.db.transaction(async (tx) => {
    // Same lock as attaching: a member joining now must not keep an enrolment this detachment removes.
    await tx.execute(sql`SELECT id FROM groups WHERE org_id = ${o.orgId} AND id = ${o.groupId} FOR NO KEY UPDATE`);
    const deleted = await queryRows(
      tx,
      sql`DELETE FROM assignments WHERE org_id = ${o.orgId} AND group_id = ${o.groupId} AND session_id = ${o.sessionId} RETURNING 1`,
    );
    if (deleted.length === 0) throw notFound('Assignment');
    const removedEnrolments = await pruneEnrolments(tx, { orgId: o.orgId, sessionIds: [o.sessionId] });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'assignment.deleted',
      targetType: 'group',
      targetId: o.groupId,
      ip: o.actor.ip,
      data: { sessionId: o.sessionId, removedEnrolments },
    });
  });
}
