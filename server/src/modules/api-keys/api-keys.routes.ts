import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import * as s from './api-keys.schemas.js';
import * as svc from './api-keys.service.js';

export const apiKeysRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['api-keys'];
    const actor = (req: Parameters<typeof actorOf>[0]) => ({ ...actorOf(req), ip: req.ip });

    app.get(
      '/api/v1/orgs/:orgId/api-keys',
      {
        config: { auth: 'apikeys.manage' },
        schema: {
          tags,
          summary: 'The organization API keys, with when and from where each was last used (never the secrets)',
          params: s.orgParams,
          response: { 200: z.object({ items: z.array(s.apiKeyOut), nextCursor: z.null() }) },
        },
      },
      async (req) => ({ items: await svc.listApiKeys(ctx, { orgId: orgOf(req).orgId }), nextCursor: null }),
    );

    app.post(
      '/api/v1/orgs/:orgId/api-keys',
      {
        config: { auth: 'apikeys.manage' },
        schema: {
          tags,
          summary: 'Create an API key; its secret (`trp_…`) is in this answer only',
          description:
            'Send the secret as `Authorization: Bearer trp_…` on `/api/v1/orgs/:orgId/…` routes its scopes allow. ' +
            'Keys are never accepted in a query string. A key cannot create keys, nor give or change the owner and admin roles.',
          params: s.orgParams,
          body: s.createKeyBody,
          response: { 201: s.createdKeyOut },
        },
      },
      async (req, reply) => {
        const created = await svc.createApiKey(ctx, { actor: actor(req), orgId: orgOf(req).orgId, ...req.body });
        return reply.code(201).send(created);
      },
    );

    app.delete(
      '/api/v1/orgs/:orgId/api-keys/:keyId',
      {
        config: { auth: 'apikeys.manage' },
        schema: { tags, summary: 'Revoke an API key; it stops working at once', params: s.keyParams, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await svc.revokeApiKey(ctx, { actor: actor(req), orgId: orgOf(req).orgId, keyId: req.params.keyId });
        return reply.code(204).send(null);
      },
    );
  };
