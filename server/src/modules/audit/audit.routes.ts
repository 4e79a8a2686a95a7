import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgOf } from '../../http/auth.js';
import { listQuery, page } from '../../lib/pagination.js';
import { listAuditEvents } from './audit.service.js';

const auditEvent = z.object({
  id: z.string(),
  action: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export const auditRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/orgs/:orgId/audit-events',
      {
        config: { auth: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'The organization audit log, newest first',
          params: z.object({ orgId: z.string() }),
          querystring: z.object({ ...listQuery, action: z.string().max(100).optional() }),
          response: { 200: page(auditEvent) },
        },
      },
      async (req) => {
        const res = await listAuditEvents(ctx.db, { orgId: orgOf(req).orgId, ...req.query });
        return { ...res, items: res.items.map((e) => ({ ...e, data: e.data as Record<string, unknown> })) };
      },
    );
  };
