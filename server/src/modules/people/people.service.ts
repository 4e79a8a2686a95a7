import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError, conflict, forbidden, notFound } from '../../http/errors.js';
import type { Permission } from '../../http/permissions.js';
import { requireEmail } from '../accounts/accounts.service.js';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inviteByEmailIn } from '../invitations/invite.service.js';
import { cancelInvitationsIn } from '../invitations/lifecycle.service.js';
import {
  type Actor,
  changeGroupIn,
  changeRoleIn,
  createManagedMemberIn,
  requireGroups,
  setArchivedIn,
} from '../members/members.service.js';
import { holdEvents, recordEvent, recordHeldEvents } from '../webhooks/events.service.js';
import { reportProgress } from '../enrolments/enrolments.service.js';
import * as repo from './people.repo.js';
import { reevaluateRulesFor, setFieldValuesBulk } from '../profile-fields/fields.service.js';
import type { upsertPersonBody } from './people.schemas.js';

type Body = z.infer<typeof upsertPersonBody>;
type Caller = { actor: Actor; orgId: string; permissions: Permission[] };

const hashOf = (externalId: string, b: Body) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        externalId,
        b.email.toLowerCase(),
        b.name,
        b.mode,
        b.locale,
        b.role,
        b.locationId,
        [...b.groupIds].sort(),
        b.groupsMode,
        b.fields ?? null,
      ]),
    )
    .digest('hex');

/**
 * Creates or updates the person another system knows as `externalId`: a managed account or an
 * invitation (the caller chooses), then name, role and groups — all in one transaction. The same
 * request again does nothing.
 */
export async function upsertPerson(ctx: AppContext, o: Caller & { externalId: string; body: Body }) {
  return ctx.db.transaction(async (tx) => {
    // The steps record their events as they go (enrolments before the join); the receiver gets them in order of kind.
    const { result, events } = await holdEvents(() => upsertPersonIn(ctx, tx, o));
    await recordHeldEvents(tx, ctx.jobs, o.orgId, events);
    return result;
  });
}

/** The same inside the caller's transaction (a batch runs many of these, each under a savepoint). */
export async function upsertPersonIn(ctx: AppContext, tx: Db, o: Caller & { externalId: string; body: Body }) {
  const b = o.body;
  const addr = requireEmail(b.email);
  const hash = hashOf(o.externalId, b);
  // Two requests for one person wait on each other instead of both creating it.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`person:${o.orgId}:${o.externalId}`}, 0))`);
  const link = await repo.findLink(tx, o.orgId, o.externalId);
  if (link && link.emailKey !== addr.key)
    throw conflict('external_id_taken', `The id ${o.externalId} belongs to another address; change it with change-email.`, {
      fields: { email: 'Another address has this external id.' },
    });
  const member = await repo.findMemberByEmail(tx, o.orgId, addr.key);
  if (link && link.requestHash === hash && (member ? link.accountId === member.accountId : link.invitationId))
    return {
      externalId: o.externalId,
      email: addr.email,
      accountId: link.accountId,
      invitationId: link.invitationId,
      status: member ? 'active' : 'invited',
      changed: false,
      created: false,
    } as const;
  const groupIds = await requireGroups(ctx, o.orgId, b.groupIds, 'groupIds', tx);
  let accountId: string | null = null;
  let invitationId: string | null = link?.invitationId ?? null;
  if (!member && b.mode === 'create') {
    accountId = (
      await createManagedMemberIn(ctx, tx, {
        actor: o.actor,
        orgId: o.orgId,
        email: addr.email,
        name: b.name,
        role: b.role,
        groupIds,
        locale: b.locale,
        passwordHash: null,
        source: 'api',
      })
    ).accountId;
  } else if (!member) {
    if (!o.permissions.includes('invitations.manage')) throw forbidden('Inviting needs the invitations:write scope.');
    const res = await inviteByEmailIn(ctx, tx, {
      actor: o.actor,
      orgId: o.orgId,
      emails: [addr.email],
      groupIds,
      role: b.role,
      locationId: b.locationId,
    });
    const skipped = res.skipped[0];
    if (res.items[0]) invitationId = res.items[0].id;
    else if (skipped?.reason !== 'already_invited')
      throw new AppError(422, 'cannot_invite', `${addr.email} cannot be invited (${skipped?.reason}).`, {
        fields: { email: skipped?.reason },
      });
  } else {
    accountId = member.accountId;
    await updateMember(ctx, tx, o, member, b, groupIds);
  }
  await repo.saveLink(tx, { orgId: o.orgId, externalId: o.externalId, emailKey: addr.key, accountId, invitationId, requestHash: hash });
  if (accountId) {
    // issue 15: profile-field values, then every rule for this person (role, groups replaced, external id may have changed).
    const now = ctx.clock.now();
    if (b.fields) await setFieldValuesBulk(tx, { orgId: o.orgId, rows: [{ accountId, fields: b.fields }], now, jobs: ctx.jobs });
    await reevaluateRulesFor(tx, { orgId: o.orgId, accountIds: [accountId], now, jobs: ctx.jobs });
  }
  return {
    externalId: o.externalId,
    email: addr.email,
    accountId,
    invitationId,
    status: accountId ? 'active' : 'invited',
    changed: true,
    created: !link,
  } as const;
}

async function updateMember(
  ctx: AppContext,
  tx: Db,
  o: Caller,
  m: NonNullable<Awaited<ReturnType<typeof repo.findMemberByEmail>>>,
  b: Body,
  groupIds: string[],
) {
  const base = { actor: o.actor, orgId: o.orgId, accountIds: [m.accountId] };
  if (m.status === 'archived') await setArchivedIn(ctx, tx, { ...base, archived: false });
  if (m.role !== b.role) await changeRoleIn(ctx, tx, { actor: o.actor, orgId: o.orgId, accountId: m.accountId, role: b.role });
  const rename = m.managed && m.name !== b.name;
  const relocale = m.managed && b.locale !== undefined && m.locale !== b.locale;
  if (rename || relocale) {
    await repo.updateManagedAccount(tx, m.accountId, { name: rename ? b.name : undefined, locale: relocale ? b.locale : undefined });
    await recordEvent(tx, ctx.jobs, o.orgId, 'member.updated', {
      accountId: m.accountId,
      changes: {
        ...(rename ? { name: { from: m.name, to: b.name } } : {}),
        ...(relocale ? { locale: { from: m.locale, to: b.locale } } : {}),
      },
    });
  }
  for (const g of groupIds.filter((g) => !m.groupIds.includes(g))) await changeGroupIn(ctx, tx, { ...base, groupId: g, add: true });
  if (b.groupsMode === 'replace')
    for (const g of m.groupIds.filter((g) => !groupIds.includes(g))) await changeGroupIn(ctx, tx, { ...base, groupId: g, add: false });
}

/** Archives the person (their started training is kept), or cancels their open invitation. */
export async function removePerson(ctx: AppContext, o: Caller & { externalId: string }) {
  await ctx.db.transaction(async (tx) => {
    const link = await repo.findLink(tx, o.orgId, o.externalId);
    if (!link) throw notFound('Person');
    const member = await repo.findMemberByEmail(tx, o.orgId, link.emailKey);
    if (member) {
      if (member.role === 'owner' || member.role === 'admin') throw forbidden('Owners and admins are not archived through the API.');
      await setArchivedIn(ctx, tx, { actor: o.actor, orgId: o.orgId, accountIds: [member.accountId], archived: true });
    } else if (link.invitationId) {
      await cancelInvitationsIn(ctx, tx, { actor: o.actor, orgId: o.orgId, invitationIds: [link.invitationId] });
    }
  });
}

/**
 * Progress reported by another system for a person it knows by its own id, in a program: the
 * enrolment of the session open now (else the latest). 404 when the person or the enrolment is unknown.
 */
export async function reportProgramProgress(ctx: AppContext, o: Caller & { externalId: string; programId: string; percent: number }) {
  const link = await repo.findLink(ctx.db, o.orgId, o.externalId);
  if (!link) throw notFound('Person');
  const accountId = link.accountId ?? (await repo.findMemberByEmail(ctx.db, o.orgId, link.emailKey))?.accountId;
  if (!accountId) throw notFound('Enrolment');
  const e = await repo.findProgramEnrolment(ctx.db, { orgId: o.orgId, accountId, programId: o.programId, now: ctx.clock.now() });
  if (!e) throw notFound('Enrolment');
  return reportProgress(ctx, { actor: o.actor, orgId: o.orgId, enrolmentId: e.id, percent: o.percent });
}
