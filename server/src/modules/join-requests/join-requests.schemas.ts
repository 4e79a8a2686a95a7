import { z } from 'zod';
import { JOIN_REQUEST_SOURCES, JOIN_REQUEST_STATUSES } from '../../db/schema/domains.js';
import { listQuery } from '../../lib/pagination.js';

export const orgParams = z.object({ orgId: z.string() });
export const requestParams = z.object({ orgId: z.string(), requestId: z.string().uuid() });
export const listQuerySchema = z.object({ status: z.enum(JOIN_REQUEST_STATUSES).optional(), ...listQuery });

/** Before approval, only the address and what the person chose. */
export const joinRequestOut = z.object({
  id: z.string(),
  email: z.string(),
  groupId: z.string().nullable(),
  locationId: z.string().nullable(),
  source: z.enum(JOIN_REQUEST_SOURCES),
  status: z.enum(JOIN_REQUEST_STATUSES),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});

export const listOut = z.object({
  items: z.array(joinRequestOut),
  nextCursor: z.string().nullable(),
  counts: z.object({ pending: z.number(), approved: z.number(), rejected: z.number() }),
});

export const decidedOut = z.object({ id: z.string(), status: z.enum(['approved', 'rejected']) });
export const bulkBody = z.strictObject({ requestIds: z.array(z.string().uuid()).min(1).max(500, 'At most 500 requests at once.') });
export const bulkOut = z.object({
  decided: z.array(z.string()),
  skipped: z.array(z.object({ id: z.string(), reason: z.enum(['not_found', 'already_decided']) })),
});

export const suggestionsOut = z.object({
  items: z.array(
    z.object({
      orgId: z.string(),
      orgName: z.string(),
      domain: z.string(),
      policy: z.enum(['suggest', 'auto_join']),
      requestPending: z.boolean(),
    }),
  ),
});
export const suggestionParams = z.object({ orgId: z.string().uuid() });
export const suggestionJoinOut = z.object({ status: z.enum(['joined', 'pending_approval']), orgId: z.string() });
