import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../http/errors.js';
import { can } from '../../http/permissions.js';
import { newToken } from '../../lib/tokens.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../groups/groups.service.js';
import { statusAt } from '../programs/programs.schemas.js';
import { recordEvent } from '../webhooks/events.service.js';
import * as repo from './enrolments.repo.js';

export type { MyEnrolmentRow, OrgEnrolmentRow } from './enrolments.repo.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'jobs'>;

export const listMyEnrolments = (ctx: Pick<AppContext, 'db'>, o: Parameters<typeof repo.listMyEnrolments>[1]) =>
  repo.listMyEnrolments(ctx.db, o);
export const listOrgEnrolments = (ctx: Pick<AppContext, 'db'>, o: Parameters<typeof repo.listOrgEnrolments>[1]) =>
  repo.listOrgEnrolments(ctx.db, o);
/** Enrols one account in a session inside the caller's transaction (a session invitation accepted); idempotent. */
export const enrolInSession = repo.enrolInSession;

/** The learner's home: per organization, their groups (while active) and their visible enrolments. */
export async function getHome(ctx: Pick<AppContext, 'db'>, o: { accountId: string }) {
  const { orgs, groups, team } = await repo.homeMemberships(ctx.db, o.accountId);
  const enrolments: repo.MyEnrolmentRow[] = [];
  let cursor: string | undefined;
  do {
    const res = await repo.listMyEnrolments(ctx.db, { accountId: o.accountId, limit: 500, cursor });
    enrolments.push(...res.items);
    cursor = res.nextCursor ?? undefined;
  } while (cursor && enrolments.length < 5000);
  return orgs
    .map((org) => ({
      ...org,
      groups: groups
        .filter((g) => g.orgId === org.orgId)
        .map((g) => {
          const mine = team.filter((t) => t.groupId === g.id);
          const referent = mine.find((t) => t.role === 'referent');
          return {
            ...g,
            team: {
              observers: mine.filter((t) => t.role === 'observer').map((t) => ({ id: t.id, name: t.name })),
              referent: referent ? { id: referent.id, name: referent.name } : null,
            },
          };
        }),
      enrolments: enrolments.filter((e) => e.orgId === org.orgId),
    }))
    .filter((org) => org.status === 'active' || org.enrolments.length > 0);
}

/**
 * Records a learner's progress. Percent never decreases (a lower value keeps the current one);
 * 100 completes the enrolment and issues the learner's certificate for the program.
 */
export async function recordProgress(ctx: Ctx, o: { actor: Actor; enrolmentId: string; percent: number }) {
  await applyProgress(ctx, { ...o, target: { accountId: o.actor.id, enrolmentId: o.enrolmentId } });
  const { items } = await repo.listMyEnrolments(ctx.db, { accountId: o.actor.id, enrolmentId: o.enrolmentId, limit: 1 });
  if (!items[0]) throw notFound('Enrolment');
  return items[0];
}

/** Progress reported by another system (the LMS where the training happens) for an enrolment of the organization. */
export async function reportProgress(ctx: Ctx, o: { actor: Actor; orgId: string; enrolmentId: string; percent: number }) {
  const e = await applyProgress(ctx, { ...o, target: { orgId: o.orgId, enrolmentId: o.enrolmentId } });
  const percent = Math.max(e.percent, o.percent);
  return { enrolmentId: e.id, accountId: e.accountId, sessionId: e.sessionId, percent, completed: percent === 100 };
}

async function applyProgress(
  ctx: Ctx,
  o: { actor: Actor; percent: number; target: Parameters<typeof repo.lockMyEnrolment>[1] },
): Promise<repo.ProgressTarget> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const e = await repo.lockMyEnrolment(tx, o.target);
    // An archived learner keeps what they started; what they never started is no longer theirs to open.
    if (!e || (e.memberStatus !== 'active' && e.percent === 0 && !e.completedAt)) throw notFound('Enrolment');
    if (o.percent <= e.percent) return e;
    const status = statusAt(e.opensAt, e.closesAt, now);
    if (status === 'scheduled') throw new AppError(409, 'session_not_open', 'This session has not opened yet.');
    if (status === 'closed') throw new AppError(409, 'session_closed', 'This session is closed; progress can no longer be recorded.');
    await repo.raiseProgress(tx, { enrolmentId: e.id, percent: o.percent, now });
    const completed = o.percent === 100;
    if (completed) {
      await repo.issueCertificate(tx, {
        id: newToken(16),
        orgId: e.orgId,
        accountId: e.accountId,
        programId: e.programId,
        sessionId: e.sessionId,
        enrolmentId: e.id,
        now,
      });
      // issue 12: webhook
      await recordEvent(tx, ctx.jobs, e.orgId, 'enrolment.completed', {
        enrolmentId: e.id,
        accountId: e.accountId,
        sessionId: e.sessionId,
        programId: e.programId,
      });
    }
    await recordAudit(tx, {
      orgId: e.orgId,
      actor: o.actor,
      action: completed ? 'enrolment.completed' : 'enrolment.progressed',
      targetType: 'enrolment',
      targetId: e.id,
      ip: o.actor.ip,
      data: { sessionId: e.sessionId, from: e.percent, to: o.percent },
    });
    return e;
  });
}

/** A certificate, for its owner or for staff of the organization that issued it; 404 for anyone else. */
export async function getCertificate(ctx: Pick<AppContext, 'db'>, o: { accountId: string; certificateId: string }) {
  const cert = await repo.findCertificate(ctx.db, o.certificateId);
  if (!cert) throw notFound('Certificate');
  if (cert.accountId !== o.accountId) {
    const role = await repo.activeRole(ctx.db, cert.orgId, o.accountId);
    if (!role || !can(role, 'programs.read')) throw notFound('Certificate');
  }
  return cert;
}
