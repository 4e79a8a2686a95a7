import { z } from 'zod';
import { listQuery } from '../../lib/pagination.js';
import { upsertPersonBody } from './people.schemas.js';

/** The most people one batch request may carry. */
export const BATCH_MAX = 10_000;

export const batchPerson = upsertPersonBody.extend({ externalId: z.string().trim().min(1).max(200) });

export const createBatchBody = z
  .strictObject({
    people: z
      .array(batchPerson)
      .min(1, 'Send at least one person.')
      .max(BATCH_MAX, `At most ${BATCH_MAX} people per batch; send several batches.`)
      .superRefine((people, c) => {
        const seen = new Set<string>();
        people.forEach((p, i) => {
          if (seen.has(p.externalId))
            c.addIssue({ code: 'custom', path: [i, 'externalId'], message: 'This externalId appears twice in the batch.' });
          seen.add(p.externalId);
        });
      }),
  })
  .meta({
    example: {
      people: [
        {
          externalId: 'HR-000123',
          email: 'ana.lopez@example.com',
          name: 'Ana Lopez',
          mode: 'create',
          groupIds: ['6f1c3a52-9d0e-4b7a-8f21-0c5e7d9a1b23'],
        },
        { externalId: 'HR-000124', email: 'bo.chen@example.com', name: 'Bo Chen', mode: 'invite', role: 'guest', groupsMode: 'add' },
      ],
    },
  });

export const batchParams = z.object({ orgId: z.string(), batchId: z.guid() });

const counts = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  failed: z.number(),
});

export const batchOut = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    total: z.number(),
    rowsDone: z.number().describe('People applied so far (moves while the batch runs, on PostgreSQL).'),
    progress: z.number().describe('0–100.'),
    counts: counts.partial().describe('Per outcome, once the batch is done.'),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({
    example: {
      id: '01938a7e-0000-7000-8000-000000000090',
      status: 'done',
      total: 2,
      rowsDone: 2,
      progress: 100,
      counts: { created: 1, updated: 0, unchanged: 0, failed: 1 },
      createdAt: '2026-12-02T08:00:00.000Z',
      finishedAt: '2026-12-02T08:00:03.000Z',
    },
  });

export const batchResultsQuery = z.object({
  ...listQuery,
  outcome: z.enum(['created', 'updated', 'unchanged', 'failed']).optional(),
});

export const batchResult = z.object({
  line: z.number().describe('The position of the person in the request, from 0.'),
  externalId: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'failed']).nullable().describe('null until the batch is done.'),
  accountId: z.string().nullable(),
  invitationId: z.string().nullable(),
  status: z.enum(['active', 'invited']).nullable(),
  error: z
    .object({ status: z.number(), code: z.string(), message: z.string(), fields: z.record(z.string(), z.unknown()).optional() })
    .nullable()
    .describe('Why this person was not applied (the same error the single PUT would answer).'),
});

export const batchResultsOut = z.object({ items: z.array(batchResult), nextCursor: z.string().nullable() }).meta({
  example: {
    items: [
      {
        line: 0,
        externalId: 'HR-000123',
        outcome: 'created',
        accountId: '01938a7e-0000-7000-8000-000000000020',
        invitationId: null,
        status: 'active',
        error: null,
      },
      {
        line: 1,
        externalId: 'HR-000124',
        outcome: 'failed',
        accountId: null,
        invitationId: null,
        status: null,
        error: { status: 403, code: 'forbidden', message: 'Inviting needs the invitations:write scope.' },
      },
    ],
    nextCursor: null,
  },
});
