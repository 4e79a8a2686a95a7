import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import * as s from './scim.schemas.js';
import * as svc from './scim-tokens.service.js';

// Settings → Provisioning (SCIM): turn it on, tokens, what a provisioned person becomes, the log.
export const scimTokensRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['scim'];
    const auth = { auth: 'apikeys.manage' as const };
    const actor = (req: Parameters<typeof actorOf>[0]) => ({ ...actorOf(req), ip: req.ip });
    const base = '/api/v1/orgs/:orgId/scim';

    app.get(
      `${base}/settings`,
      { config: auth, schema: { tags, summary: 'SCIM settings and base URL', params: s.orgParams, response: { 200: s.settingsOut } } },
      async (req) => svc.getSettings(ctx, { orgId: orgOf(req).orgId }),
    );
    app.patch(
      `${base}/settings`,
      {
        config: auth,
        schema: {
          tags,
          summary: 'Turn SCIM on or off; choose what a provisioned person becomes',
          params: s.orgParams,
          body: s.settingsBody,
          response: { 200: s.settingsOut },
        },
      },
      async (req) => svc.updateSettings(ctx, { actor: actor(req), orgId: orgOf(req).orgId, ...req.body }),
    );
    app.get(
      `${base}/tokens`,
      {
        config: auth,
        schema: {
          tags,
          summary: 'SCIM tokens (never the tokens themselves), with their last use',
          params: s.orgParams,
          response: { 200: z.object({ items: z.array(s.tokenOut), nextCursor: z.null() }) },
        },
      },
      async (req) => ({ items: await svc.listTokens(ctx, { orgId: orgOf(req).orgId }), nextCursor: null }),
    );
    app.post(
      `${base}/tokens`,
      {
        config: auth,
        schema: {
          tags,
          summary: 'Create a SCIM bearer token (`scim_…`), in this answer only',
          params: s.orgParams,
          body: s.createTokenBody,
          response: { 201: s.createdTokenOut },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await svc.createToken(ctx, { actor: actor(req), orgId: orgOf(req).orgId, name: req.body?.name })),
    );
    app.post(
      `${base}/tokens/:tokenId/rotate`,
      {
        config: auth,
        schema: {
          tags,
          summary: 'Replace a token by a new one (the old one stops working)',
          params: s.tokenParams,
          response: { 201: s.createdTokenOut },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await svc.rotateToken(ctx, { actor: actor(req), orgId: orgOf(req).orgId, tokenId: req.params.tokenId })),
    );
    app.delete(
      `${base}/tokens/:tokenId`,
      { config: auth, schema: { tags, summary: 'Revoke a SCIM token', params: s.tokenParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await svc.revokeToken(ctx, { actor: actor(req), orgId: orgOf(req).orgId, tokenId: req.params.tokenId });
        return reply.code(204).send(null);
      },
    );
    app.get(
      `${base}/log`,
      {
        config: auth,
        schema: {
          tags,
          summary: 'The provisioning log: each SCIM request, newest first',
          params: s.orgParams,
          querystring: s.logQuery,
          response: { 200: z.object({ items: z.array(s.logEntryOut), nextCursor: z.string().nullable() }) },
        },
      },
      async (req) => svc.listLog(ctx, { orgId: orgOf(req).orgId, limit: req.query.limit, cursor: req.query.cursor }),
    );
  };
