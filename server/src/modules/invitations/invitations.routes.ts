import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { idsInScope } from '../../http/group-scope.js';
import { invalidField } from '../../http/errors.js';
import { page } from '../../lib/pagination.js';
import { toIso } from '../../lib/time.js';
import { parseAddressList } from './address-list.js';
import { getBatch, queueInviteBatch } from './batch.service.js';
import { INLINE_LIMIT, inviteByEmail } from './invite.service.js';
import { countInvitations, effectiveStatus, type Invitation, listInvitations } from './list.service.js';
import * as s from './invitations.schemas.js';
import * as life from './lifecycle.service.js';
import { inviteToSession } from './session-invite.service.js';
import { remindedByInvitation } from './reminders.service.js';

/** An invitation as admins see it: the address typed, never the account's data. */
export const presentInvitation = (i: Invitation, now: Date, reminded?: { count: number; lastAt: string | null }) => ({
  id: i.id,
  kind: i.kind as (typeof s.INVITATION_KINDS)[number],
  email: i.email,
  status: effectiveStatus(i, now) as (typeof s.INVITATION_STATUSES)[number],
  role: i.role,
  groupIds: i.groupIds,
  locationId: i.locationId,
  sessionId: i.sessionId,
  message: i.message,
  invitedBy: i.invitedBy,
  sendAt: toIso(i.sendAt),
  sentAt: toIso(i.sentAt),
  acceptedAt: toIso(i.acceptedAt),
  declinedAt: toIso(i.declinedAt),
  cancelledAt: toIso(i.cancelledAt),
  expiresAt: toIso(i.expiresAt),
  replacesId: i.replacesId,
  lastError: i.lastError,
  createdAt: toIso(i.createdAt),
  ...(reminded ? { reminded } : {}),
});

export const invitationsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['invitations'];
    const actor = (req: Parameters<typeof actorOf>[0]) => ({ ...actorOf(req), ip: req.ip, role: orgOf(req).role });
    const now = () => ctx.clock.now();
    const sendLimit = {
      rateLimit: {
        max: 60,
        timeWindow: 60_000,
        keyGenerator: (req: { account: { id: string } | null; ip: string }) => req.account?.id ?? req.ip,
      },
    };

    app.post(
      '/api/v1/orgs/:orgId/invitations',
      {
        bodyLimit: 8 * 1024 * 1024,
        config: { auth: 'invitations.manage', ...sendLimit },
        schema: {
          tags,
          summary: 'Invite addresses to groups (more than 1,000 addresses: 202 and a background batch)',
          params: s.orgParams,
          body: s.inviteBody,
          response: { 201: s.inviteOut, 202: s.batchOut },
        },
      },
      async (req, reply) => {
        const o = { actor: actor(req), orgId: orgOf(req).orgId, ...req.body };
        if (parseAddressList(req.body.emails).length > INLINE_LIMIT) return reply.code(202).send(await queueInviteBatch(ctx, o));
        const res = await inviteByEmail(ctx, o);
        return reply.code(201).send({ items: res.items.map((i) => presentInvitation(i, now())), skipped: res.skipped });
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/invitations/batches/:batchId',
      {
        config: { auth: 'invitations.read' },
        schema: { tags, params: z.object({ orgId: z.string(), batchId: z.string().uuid() }), response: { 200: s.batchOut } },
      },
      async (req) => {
        return getBatch(ctx, { orgId: orgOf(req).orgId, batchId: req.params.batchId });
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/invitations',
      {
        config: { auth: 'invitations.read' },
        schema: { tags, params: s.orgParams, querystring: s.listInvitationsQuery, response: { 200: page(s.invitationOut) } },
      },
      async (req) => {
        const res = await listInvitations(ctx, { ...req.query, orgId: orgOf(req).orgId, scope: orgOf(req).scope, now: now() });
        const reminded = await remindedByInvitation(
          ctx,
          orgOf(req).orgId,
          res.items.map((i) => i.id),
        );
        return { items: res.items.map((i) => presentInvitation(i, now(), reminded.get(i.id))), nextCursor: res.nextCursor };
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/invitations/counts',
      {
        config: { auth: 'invitations.read' },
        schema: {
          tags,
          summary: 'How many invitations per status',
          params: s.orgParams,
          querystring: s.listInvitationsQuery.pick({ kind: true, q: true, groupId: true, includeSubgroups: true }),
          response: {
            200: z.object(
              Object.fromEntries(s.INVITATION_STATUSES.map((k) => [k, z.number()])) as Record<
                (typeof s.INVITATION_STATUSES)[number],
                z.ZodNumber
              >,
            ),
          },
        },
      },
      async (req) => {
        return countInvitations(ctx, { ...req.query, orgId: orgOf(req).orgId, scope: orgOf(req).scope, now: now() });
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/invitations/:invitationId',
      { config: { auth: 'invitations.read' }, schema: { tags, params: s.invitationParams, response: { 200: s.invitationOut } } },
      async (req) => {
        return presentInvitation(await life.getInvitation(ctx, { orgId: orgOf(req).orgId, invitationId: req.params.invitationId }), now());
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/invitations/:invitationId/resend',
      {
        config: { auth: 'invitations.resend' },
        schema: {
          tags,
          summary: 'Send again with a fresh link; the old link then says it was replaced',
          params: s.invitationParams,
          response: { 200: s.invitationOut },
        },
      },
      async (req) => {
        return presentInvitation(
          await life.resendOne(ctx, { actor: actor(req), orgId: orgOf(req).orgId, invitationId: req.params.invitationId }),
          now(),
        );
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/invitations/:invitationId/cancel',
      { config: { auth: 'invitations.manage' }, schema: { tags, params: s.invitationParams, response: { 200: s.invitationOut } } },
      async (req) => {
        return presentInvitation(
          await life.cancelOne(ctx, { actor: actor(req), orgId: orgOf(req).orgId, invitationId: req.params.invitationId }),
          now(),
        );
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/invitations/:invitationId/change-email',
      {
        config: { auth: 'invitations.manage' },
        schema: {
          tags,
          summary: 'Change the address of an open invitation (cancel + new invitation, history kept)',
          params: s.invitationParams,
          body: s.changeEmailBody,
          response: { 201: s.invitationOut },
        },
      },
      async (req, reply) => {
        const inv = await life.changeAddress(ctx, {
          actor: actor(req),
          orgId: orgOf(req).orgId,
          invitationId: req.params.invitationId,
          email: req.body.email,
        });
        return reply.code(201).send(presentInvitation(inv, now()));
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/invitations/cancel',
      {
        config: { auth: 'invitations.manage' },
        schema: {
          tags,
          summary: 'Cancel many: by pasted addresses or by ids',
          params: s.orgParams,
          body: s.bulkCancelBody,
          response: {
            200: z.object({ cancelled: z.array(z.object({ email: z.string(), invitationId: z.string() })), notFound: z.array(z.string()) }),
          },
        },
      },
      async (req) => {
        const o = { actor: actor(req), orgId: orgOf(req).orgId };
        if (req.body.emails?.length)
          return life.cancelByEmails(ctx, { ...o, emails: parseAddressList(req.body.emails).map((p) => p.input) });
        if (!req.body.invitationIds?.length) throw invalidField('emails', 'Paste at least one address.');
        const rows = await life.cancelInvitations(ctx, { ...o, invitationIds: req.body.invitationIds });
        const done = new Set(rows.map((r) => r.id));
        return {
          cancelled: rows.map((r) => ({ email: r.email, invitationId: r.id })),
          notFound: req.body.invitationIds.filter((id) => !done.has(id)),
        };
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/invitations/resend',
      {
        config: { auth: 'invitations.resend' },
        schema: {
          tags,
          summary: 'Resend many invitations',
          params: s.orgParams,
          body: s.bulkResendBody,
          response: { 200: z.object({ resent: z.number(), notResent: z.array(z.string()) }) },
        },
      },
      async (req) => {
        const { orgId, scope } = orgOf(req);
        const rows = await life.resendInvitations(ctx, {
          actor: actor(req),
          orgId,
          invitationIds: await idsInScope(ctx, scope, orgId, req.body.invitationIds),
        });
        const done = new Set(rows.map((r) => r.id));
        return { resent: rows.length, notResent: req.body.invitationIds.filter((id) => !done.has(id)) };
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/programs/:programId/sessions/:sessionId/invitations',
      {
        config: { auth: 'invitations.manage', ...sendLimit },
        schema: {
          tags,
          summary: 'Invite members or new addresses to a session; sent when it opens (at once if open)',
          params: z.object({ orgId: z.string(), programId: z.string().uuid(), sessionId: z.string().uuid() }),
          body: s.sessionInviteBody,
          response: { 201: s.inviteOut },
        },
      },
      async (req, reply) => {
        const res = await inviteToSession(ctx, {
          ...req.body,
          actor: actor(req),
          orgId: orgOf(req).orgId,
          programId: req.params.programId,
          sessionId: req.params.sessionId,
        });
        return reply.code(201).send({ items: res.items.map((i) => presentInvitation(i, now())), skipped: res.skipped });
      },
    );
  };
