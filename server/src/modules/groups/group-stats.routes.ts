import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { orgOf } from '../../http/auth.js';
import { findGroupStats } from './group-stats.service.js';
import { groupParams, groupStatsOut } from './groups.schemas.js';

export const groupStatsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/orgs/:orgId/groups/:groupId/stats',
      {
        config: { auth: 'groups.read' },
        schema: {
          tags: ['groups'],
          summary: 'What observers follow: members, and progress in the sessions that reach the group',
          params: groupParams,
          response: { 200: groupStatsOut },
        },
      },
      async (req) => findGroupStats(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId }),
    );
  };
