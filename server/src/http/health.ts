import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { migrationFiles, pendingMigrations } from '../db/migrate.js';
import { AppError } from './errors.js';

/**
 * `/healthz`: the process is alive and its database answers (for restarts).
 * `/readyz`: this process can serve: the database answers and every migration this code expects
 * is applied (for load balancers: route traffic to it, or not yet / not any more).
 */
export const healthRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['health'];
    app.get(
      '/healthz',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          response: { 200: z.object({ status: z.literal('ok') }), 503: z.object({ status: z.literal('unavailable') }) },
        },
      },
      async (_req, reply) => {
        try {
          await ctx.database.query('SELECT 1');
          return { status: 'ok' as const };
        } catch {
          return reply.code(503).send({ status: 'unavailable' as const });
        }
      },
    );

    app.get(
      '/readyz',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          summary: 'Ready to serve: database reachable and migrations applied (503 in the error format otherwise)',
          response: { 200: z.object({ status: z.literal('ready'), migrations: z.number().int() }) },
        },
      },
      async () => {
        let pending: string[];
        try {
          pending = await pendingMigrations(ctx.database);
        } catch {
          throw new AppError(503, 'database_unavailable', 'The database does not answer.');
        }
        if (pending.length) throw new AppError(503, 'migrations_pending', 'Database migrations are not applied yet.', { pending });
        return { status: 'ready' as const, migrations: migrationFiles().length };
      },
    );
  };
