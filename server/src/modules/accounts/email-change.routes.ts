import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { toIso } from '../../lib/time.js';
import * as s from './accounts.schemas.js';
import * as svc from './email-change.service.js';

/** Changing an account's address: by an admin for a member, by the person, and the confirmation link. */
export const emailChangeRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const { max, windowMs } = ctx.config.rateLimits.auth;
    const limited = { rateLimit: { max, timeWindow: windowMs } };
    const tags = ['accounts'];

    app.post(
      '/api/v1/orgs/:orgId/members/:accountId/change-email',
      {
        // Not under the sign-in limit: an admin may change many addresses in a row (and is accountable in the audit log).
        config: { auth: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: 'Change a member’s email address: a link to the new address, a notice to the old one',
          params: z.object({ orgId: z.string(), accountId: z.string().uuid() }),
          body: s.changeEmailBody,
          response: { 202: s.emailChangeOut },
        },
      },
      async (req, reply) => {
        const actor = { ...actorOf(req), ip: req.ip, role: orgOf(req).role };
        const answer = await svc.requestMemberEmailChange(ctx, {
          actor,
          orgId: orgOf(req).orgId,
          accountId: req.params.accountId,
          email: req.body.email,
        });
        return reply.code(202).send(answer);
      },
    );

    app.post(
      '/api/v1/me/change-email',
      {
        config: { auth: 'account', ...limited },
        schema: {
          tags,
          summary: 'Change one’s own email address: a link to the new address, a notice to the old one',
          body: s.changeEmailBody,
          response: { 202: s.emailChangeOut },
        },
      },
      async (req, reply) => {
        return reply
          .code(202)
          .send(await svc.requestOwnEmailChange(ctx, { actor: { ...actorOf(req), ip: req.ip }, email: req.body.email }));
      },
    );

    app.get(
      '/api/v1/me/email-change',
      {
        config: { auth: 'account' },
        schema: { tags, summary: 'The address change waiting for confirmation', response: { 200: s.pendingEmailChangeOut } },
      },
      async (req) => {
        const p = await svc.pendingEmailChange(ctx, actorOf(req).id);
        return { pending: p ? { newEmail: p.newEmail, expiresAt: toIso(p.expiresAt), createdAt: toIso(p.createdAt) } : null };
      },
    );

    app.post(
      '/api/v1/auth/confirm-email-change',
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'Confirm a new address with the link mailed to it',
          body: s.tokenBody,
          response: { 200: s.emailChangedOut },
        },
      },
      async (req) => {
        return svc.confirmEmailChange(ctx, {
          token: req.body.token,
          ip: req.ip,
          sessionAccountId: req.account?.id ?? null,
          sessionHash: req.sessionHash ?? null,
        });
      },
    );
  };
