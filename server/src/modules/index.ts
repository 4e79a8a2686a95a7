import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.js';
import type { JobDefinition } from '../jobs/queue.js';
import { emailJobs } from '../mail/outbox.js';
import { accountsRoutes } from './accounts/accounts.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { orgsRoutes } from './orgs/orgs.routes.js';

/** Every feature's routes, in one list. */
export const featureRoutes: ((ctx: AppContext) => FastifyPluginAsyncZod)[] = [accountsRoutes, orgsRoutes, auditRoutes];

/** Every feature's background jobs, in one list. */
export const featureJobs: JobDefinition[] = [...emailJobs];
