import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import * as s from './webhooks.schemas.js';
import * as svc from './webhooks.service.js';

export const webhooksRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['webhooks'];
    const auth = 'webhooks.manage' as const;
    const who = (req: Parameters<typeof actorOf>[0]) => ({ actor: { ...actorOf(req), ip: req.ip }, orgId: orgOf(req).orgId });
    const base = '/api/v1/orgs/:orgId/webhooks';

    app.get(
      base,
      {
        config: { auth },
        schema: {
          tags,
          summary: 'Webhook endpoints',
          description: s.WEBHOOKS_DESCRIPTION,
          params: s.orgParams,
          response: { 200: z.object({ items: z.array(s.webhookOut), nextCursor: z.null() }) },
        },
      },
      async (req) => ({ items: await svc.listWebhooks(ctx, { orgId: orgOf(req).orgId }), nextCursor: null }),
    );

    app.post(
      base,
      {
        config: { auth },
        schema: {
          tags,
          summary: 'Add an endpoint; its signing secret (`whsec_…`) is in this answer only',
          description: s.WEBHOOKS_DESCRIPTION,
          params: s.orgParams,
          body: s.createWebhookBody,
          response: { 201: s.createdWebhookOut },
        },
      },
      async (req, reply) => reply.code(201).send(await svc.createWebhook(ctx, { ...who(req), ...req.body })),
    );

    app.patch(
      `${base}/:webhookId`,
      {
        config: { auth },
        schema: {
          tags,
          summary: 'Change the URL or events, turn it on or off',
          params: s.webhookParams,
          body: s.patchWebhookBody,
          response: { 200: s.webhookOut },
        },
      },
      async (req) => svc.updateWebhook(ctx, { ...who(req), webhookId: req.params.webhookId, ...req.body }),
    );

    app.delete(
      `${base}/:webhookId`,
      { config: { auth }, schema: { tags, summary: 'Remove an endpoint', params: s.webhookParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await svc.deleteWebhook(ctx, { ...who(req), webhookId: req.params.webhookId });
        return reply.code(204).send(null);
      },
    );

    app.post(
      `${base}/:webhookId/rotate-secret`,
      {
        config: { auth },
        schema: {
          tags,
          summary: 'A new signing secret; the previous one signs too during the overlap',
          params: s.webhookParams,
          body: s.rotateBody,
          response: { 200: s.secretOut },
        },
      },
      async (req) => svc.rotateSecret(ctx, { ...who(req), webhookId: req.params.webhookId, overlapHours: req.body.overlapHours }),
    );

    app.get(
      `${base}/:webhookId/deliveries`,
      {
        config: { auth },
        schema: {
          tags,
          summary: 'The delivery log: each delivery with its attempts (status, duration, response excerpt)',
          params: s.webhookParams,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
          response: { 200: z.object({ items: z.array(s.deliveryOut), nextCursor: z.null() }) },
        },
      },
      async (req) => ({
        items: await svc.listDeliveries(ctx, { orgId: orgOf(req).orgId, webhookId: req.params.webhookId, limit: req.query.limit }),
        nextCursor: null,
      }),
    );

    app.post(
      `${base}/:webhookId/test`,
      {
        config: { auth },
        schema: { tags, summary: 'Send a `webhook.test` event to this endpoint', params: s.webhookParams, response: { 202: s.queuedOut } },
      },
      async (req, reply) => reply.code(202).send(await svc.sendTestEvent(ctx, { ...who(req), webhookId: req.params.webhookId })),
    );

    app.post(
      `${base}/:webhookId/deliveries/:deliveryId/redeliver`,
      {
        config: { auth },
        schema: {
          tags,
          summary: 'Deliver a message again, with the same `webhook-id`',
          params: s.deliveryParams,
          response: { 202: s.queuedOut },
        },
      },
      async (req, reply) =>
        reply.code(202).send(await svc.redeliver(ctx, { ...who(req), webhookId: req.params.webhookId, deliveryId: req.params.deliveryId })),
    );
  };
