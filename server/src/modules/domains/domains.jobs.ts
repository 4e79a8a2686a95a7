import { z } from 'zod';
import type { JobDefinition } from '../../jobs/queue.js';
import { recheckDomains } from './domains.service.js';

export const RECHECK_DOMAINS = 'domains.recheck';

/** Every day at 03:30 UTC, verified domains are checked again (a record removed unverifies its domain). */
export const domainJobs: JobDefinition[] = [
  {
    name: RECHECK_DOMAINS,
    schema: z.object({}).passthrough(),
    handler: async (ctx) => void (await recheckDomains(ctx)),
    cron: '30 3 * * *',
  },
];
