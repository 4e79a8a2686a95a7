import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { deliverEndpoint, sweepDueEndpoints } from './delivery.service.js';
import { DELIVER_JOB, SWEEP_JOB } from './job-names.js';

/** The webhook jobs: deliver an endpoint's due messages in order; every minute, pick up what a crash left behind. */
export const webhookJobs: JobDefinition[] = [
  {
    name: DELIVER_JOB,
    schema: z.object({ endpointId: z.string().uuid() }),
    handler: (ctx: AppContext, data: { endpointId: string }) => deliverEndpoint(ctx, data.endpointId),
    concurrency: 4,
  },
  { name: SWEEP_JOB, schema: z.object({}), handler: (ctx: AppContext) => sweepDueEndpoints(ctx), cron: '* * * * *' },
];
