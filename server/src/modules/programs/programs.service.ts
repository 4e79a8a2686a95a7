import type { AppContext } from '../../context.js';
import { conflict, invalidField, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { type Actor, requireStaff } from '../groups/groups.service.js';
import * as repo from './programs.repo.js';
import { type DueSettings, saveDueSettings } from './session-due.repo.js';
import type { SessionStatus } from './programs.schemas.js';

export type { ProgramRow, SessionRow } from './programs.repo.js';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

export async function getProgram(ctx: Pick<AppContext, 'db'>, o: { orgId: string; programId: string }) {
  const program = await repo.findProgram(ctx.db, o.orgId, o.programId);
  if (!program) throw notFound('Program');
  return program;
}

export const listPrograms = (ctx: Pick<AppContext, 'db'>, o: Parameters<typeof repo.listPrograms>[1]) => repo.listPrograms(ctx.db, o);

/** Creates a program; its optional referent (a staff member) overrides the groups' default referent. */
export async function createProgram(
  ctx: Ctx,
  o: { actor: Actor; orgId: string; title: string; description?: string | null; referentId?: string | null },
) {
  return ctx.db.transaction(async (tx) => {
    if (o.referentId) await requireStaff(tx, o.orgId, o.referentId, 'referentId');
    const id = await repo.insertProgram(tx, {
      orgId: o.orgId,
      title: o.title,
      description: o.description || null,
      referentId: o.referentId ?? null,
      now: ctx.clock.now(),
    });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'program.created',
      targetType: 'program',
      targetId: id,
      ip: o.actor.ip,
      data: { title: o.title, referentId: o.referentId ?? null },
    });
    return id;
  });
}

export async function updateProgram(
  ctx: Ctx,
  o: { actor: Actor; orgId: string; programId: string; title?: string; description?: string | null; referentId?: string | null },
) {
  await ctx.db.transaction(async (tx) => {
    if (o.referentId) await requireStaff(tx, o.orgId, o.referentId, 'referentId');
    const changes = {
      title: o.title,
      description: o.description === undefined ? undefined : o.description || null,
      referentId: o.referentId,
    };
    if (!(await repo.updateProgramRow(tx, { orgId: o.orgId, programId: o.programId, now: ctx.clock.now(), changes })))
      throw notFound('Program');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'program.updated',
      targetType: 'program',
      targetId: o.programId,
      ip: o.actor.ip,
      data: changes,
    });
  });
}

/** Deletes a program with its sessions, assignments and not-started enrolments; refused once a learner has progress. */
export async function deleteProgram(ctx: Ctx, o: { actor: Actor; orgId: string; programId: string }) {
  await ctx.db.transaction(async (tx) => {
    const program = await repo.findProgram(tx, o.orgId, o.programId);
    if (!program) throw notFound('Program');
    const started = await repo.countStarted(tx, { orgId: o.orgId, programId: o.programId });
    if (started > 0)
      throw conflict('program_has_progress', `${started} learner(s) have started or completed this program; it cannot be deleted.`, {
        started,
      });
    await repo.deleteProgramRow(tx, o.orgId, o.programId);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'program.deleted',
      targetType: 'program',
      targetId: o.programId,
      ip: o.actor.ip,
      data: { title: program.title },
    });
  });
}

const closesBeforeOpening = () => invalidField('closesAt', 'The session must close after it opens.');

export async function listSessions(
  ctx: Ctx,
  o: { orgId: string; programId: string; limit: number; cursor?: string; status?: SessionStatus },
) {
  await getProgram(ctx, o);
  return repo.listSessions(ctx.db, { ...o, now: ctx.clock.now() });
}

export async function getSession(ctx: Pick<AppContext, 'db'>, o: { orgId: string; programId: string; sessionId: string }) {
  const session = await repo.findSession(ctx.db, o);
  if (!session) throw notFound('Session');
  return session;
}

/** The due-date settings among a request's fields (issue 15). */
const dueOf = (o: DueSettings): DueSettings => ({
  dueDaysAfterEnrolment: o.dueDaysAfterEnrolment,
  remindDaysBefore: o.remindDaysBefore,
  remindWhenLate: o.remindWhenLate,
});

/** Adds a session to a program; it may stay open forever (no closesAt). */
export async function createSession(
  ctx: Ctx,
  o: { actor: Actor; orgId: string; programId: string; opensAt: string; closesAt?: string | null } & DueSettings,
) {
  if (o.closesAt && Date.parse(o.closesAt) <= Date.parse(o.opensAt)) throw closesBeforeOpening();
  return ctx.db.transaction(async (tx) => {
    if (!(await repo.findProgram(tx, o.orgId, o.programId))) throw notFound('Program');
    const id = await repo.insertSession(tx, {
      orgId: o.orgId,
      programId: o.programId,
      opensAt: o.opensAt,
      closesAt: o.closesAt ?? null,
      now: ctx.clock.now(),
    });
    await saveDueSettings(tx, { orgId: o.orgId, sessionId: id, ...dueOf(o) });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'session.created',
      targetType: 'session',
      targetId: id,
      ip: o.actor.ip,
      data: { programId: o.programId, opensAt: o.opensAt, closesAt: o.closesAt ?? null },
    });
    return id;
  });
}

/** Changes a session's dates; the result must still close after it opens. */
export async function updateSession(
  ctx: Ctx,
  o: { actor: Actor; orgId: string; programId: string; sessionId: string; opensAt?: string; closesAt?: string | null } & DueSettings,
) {
  await ctx.db.transaction(async (tx) => {
    const session = await repo.findSession(tx, { ...o, lock: true });
    if (!session) throw notFound('Session');
    const opensAt = o.opensAt ?? new Date(session.opensAt).toISOString();
    const closesAt = o.closesAt === undefined ? (session.closesAt ? new Date(session.closesAt).toISOString() : null) : o.closesAt;
    if (closesAt && Date.parse(closesAt) <= Date.parse(opensAt)) throw closesBeforeOpening();
    await repo.updateSessionRow(tx, { orgId: o.orgId, sessionId: o.sessionId, opensAt, closesAt, now: ctx.clock.now() });
    await saveDueSettings(tx, { orgId: o.orgId, sessionId: o.sessionId, ...dueOf(o) });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'session.updated',
      targetType: 'session',
      targetId: o.sessionId,
      ip: o.actor.ip,
      data: { programId: o.programId, opensAt, closesAt },
    });
  });
}

/** Deletes a session with its assignments and not-started enrolments; refused once a learner has progress. */
export async function deleteSession(ctx: Ctx, o: { actor: Actor; orgId: string; programId: string; sessionId: string }) {
  await ctx.db.transaction(async (tx) => {
    if (!(await repo.findSession(tx, { ...o, lock: true }))) throw notFound('Session');
    const started = await repo.countStarted(tx, { orgId: o.orgId, sessionId: o.sessionId });
    if (started > 0)
      throw conflict('session_has_progress', `${started} learner(s) have started or completed this session; it cannot be deleted.`, {
        started,
      });
    await repo.deleteSessionRow(tx, o.orgId, o.sessionId);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'session.deleted',
      targetType: 'session',
      targetId: o.sessionId,
      ip: o.actor.ip,
      data: { programId: o.programId },
    });
  });
}
