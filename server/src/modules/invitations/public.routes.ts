import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { startSession } from '../../http/sessions.js';
import { acceptInvitation, declineInvitation, registerAndAccept, viewInvitation } from './accept.service.js';
import * as s from './invitations.schemas.js';
import { linkGroupLogo } from './links.service.js';

/** The routes an invited person uses from the link in the email. Opening the link never acts: only these POSTs do. */
export const invitationLinkRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['invitations'];
    const limited = { rateLimit: { max: ctx.config.rateLimits.auth.max * 3, timeWindow: ctx.config.rateLimits.auth.windowMs } };

    app.get(
      '/api/v1/invitations/:token',
      {
        config: { auth: 'public', ...limited },
        schema: { tags, summary: 'What the invited person sees, without signing in', params: s.tokenParams, response: { 200: s.viewOut } },
      },
      async (req) => {
        return viewInvitation(ctx, req.params.token);
      },
    );

    app.post(
      '/api/v1/invitations/:token/accept',
      {
        config: { auth: 'account', ...limited },
        schema: { tags, summary: 'Accept, signed in as the invited address', params: s.tokenParams, response: { 200: s.acceptedOut } },
      },
      async (req) => {
        return acceptInvitation(ctx, { token: req.params.token, account: actorOf(req), ip: req.ip });
      },
    );

    app.post(
      '/api/v1/invitations/:token/register',
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'Create an account for the invited address and accept (the link proves the address)',
          params: s.tokenParams,
          body: s.registerFromInvitationBody,
          response: { 201: s.acceptedOut },
        },
      },
      async (req, reply) => {
        const res = await registerAndAccept(ctx, { token: req.params.token, ...req.body, ip: req.ip });
        await startSession(ctx, req, reply, res.accountId);
        return reply.code(201).send({ orgId: res.orgId, alreadyAccepted: res.alreadyAccepted });
      },
    );

    app.post(
      '/api/v1/invitations/:token/decline',
      {
        config: { auth: 'public', ...limited },
        schema: { tags, params: s.tokenParams, response: { 200: z.object({ state: z.literal('declined') }) } },
      },
      async (req) => {
        await declineInvitation(ctx, { token: req.params.token, ip: req.ip });
        return { state: 'declined' as const };
      },
    );

    app.get(
      '/api/v1/invitations/:token/groups/:groupId/logo',
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'The logo of a group on offer, for the invitation page (no sign-in)',
          params: s.tokenParams.extend({ groupId: z.string().uuid() }),
        },
      },
      async (req, reply) => {
        const img = await linkGroupLogo(ctx, { token: req.params.token, groupId: req.params.groupId });
        reply.type(img.mime).header('Cache-Control', 'private, max-age=300');
        return reply.send(ctx.storage.stream(img.key));
      },
    );
  };
