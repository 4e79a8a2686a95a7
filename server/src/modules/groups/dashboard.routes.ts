import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { orgOf } from '../../http/auth.js';
import { localeOf } from '../../http/error-i18n.js';
import { exportPeople, groupDashboard } from './dashboard.service.js';
import { dashboardOut, dashboardQuery, peopleExportQuery } from './dashboard.schemas.js';
import { groupParams } from './groups.schemas.js';

export const groupDashboardRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/orgs/:orgId/groups/:groupId/dashboard',
      {
        config: { auth: 'groups.read' },
        schema: {
          tags: ['groups'],
          summary: 'The group at a glance: members by status and activity, completion and lateness per session, completions per week',
          params: groupParams,
          querystring: dashboardQuery,
          response: { 200: dashboardOut },
        },
      },
      async (req) => groupDashboard(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId, fresh: req.query.fresh }),
    );
    app.get(
      '/api/v1/orgs/:orgId/groups/:groupId/dashboard/people',
      {
        config: { auth: 'groups.read' },
        schema: {
          tags: ['groups'],
          summary: 'The people behind one number of the dashboard, as CSV or XLSX (formula-safe)',
          params: groupParams,
          querystring: peopleExportQuery,
        },
      },
      async (req, reply) => {
        const file = await exportPeople(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId, ...req.query, locale: localeOf(req) });
        return reply.type(file.contentType).header('Content-Disposition', `attachment; filename="${file.fileName}"`).send(file.body);
      },
    );
  };
