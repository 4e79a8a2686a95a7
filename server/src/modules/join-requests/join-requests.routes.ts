import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorFrom } from '../../http/actor.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { localeFromHeader } from '../../i18n/index.js';
import * as s from './join-requests.schemas.js';
import * as svc from './join-requests.service.js';
import { joinSuggestedOrg, listSuggestedOrgs } from './suggestions.service.js';

/** Learners → Requests (staff), and "Join <organization>?" on a person's home. */
export const joinRequestsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['join requests'];
    const { max, windowMs } = ctx.config.rateLimits.auth;

    app.get(
      '/api/v1/orgs/:orgId/join-requests',
      {
        config: { auth: 'joinrequests.read' },
        schema: {
          tags,
          summary: 'People asking to join, newest first, with counts per status (a limited manager sees those of their groups)',
          params: s.orgParams,
          querystring: s.listQuerySchema,
          response: { 200: s.listOut },
        },
      },
      async (req) => {
        const { orgId, scope } = orgOf(req);
        return svc.listJoinRequests(ctx, { orgId, scope, ...req.query });
      },
    );

    for (const decision of ['approve', 'reject'] as const) {
      app.post(
        `/api/v1/orgs/:orgId/join-requests/:requestId/${decision}`,
        {
          config: { auth: 'joinrequests.manage' },
          schema: {
            tags,
            summary:
              decision === 'approve' ? 'Approve: the person joins the group they chose and is emailed' : 'Reject: the person is emailed',
            params: s.requestParams,
            response: { 200: s.decidedOut },
          },
        },
        async (req) => {
          const { orgId, scope } = orgOf(req);
          return svc.decideOne(ctx, { orgId, scope, actor: actorFrom(req), requestId: req.params.requestId, decision });
        },
      );
      app.post(
        `/api/v1/orgs/:orgId/join-requests/${decision}`,
        {
          config: { auth: 'joinrequests.manage' },
          schema: {
            tags,
            summary: `${decision === 'approve' ? 'Approve' : 'Reject'} several requests in one transaction; those already decided are skipped`,
            params: s.orgParams,
            body: s.bulkBody,
            response: { 200: s.bulkOut },
          },
        },
        async (req) => {
          const { orgId, scope } = orgOf(req);
          const fn = decision === 'approve' ? svc.approveJoinRequests : svc.rejectJoinRequests;
          return fn(ctx, { orgId, scope, actor: actorFrom(req), requestIds: req.body.requestIds });
        },
      );
    }

    app.get(
      '/api/v1/me/join-suggestions',
      {
        config: { auth: 'account' },
        schema: {
          tags,
          summary: 'Organizations the signed-in person may join, or ask to join, through their verified address’s domain',
          response: { 200: s.suggestionsOut },
        },
      },
      async (req) => listSuggestedOrgs(ctx, { accountId: actorOf(req).id }),
    );

    app.post(
      '/api/v1/me/join-suggestions/:orgId/join',
      {
        config: {
          auth: 'account',
          limitedBy: { max, windowMs, keys: (req) => [`join-request-ip:${req.ip}`, `join-request-acct:${req.account?.id ?? req.ip}`] },
        },
        schema: {
          tags,
          summary: 'Join at once (auto_join) or ask to join (suggest): `{status: "joined" | "pending_approval"}`',
          params: s.suggestionParams,
          response: { 200: s.suggestionJoinOut },
        },
      },
      async (req) =>
        joinSuggestedOrg(ctx, {
          accountId: actorOf(req).id,
          orgId: req.params.orgId,
          ip: req.ip,
          locale: localeFromHeader(req.headers['accept-language']),
        }),
    );
  };
