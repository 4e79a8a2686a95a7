import { z } from 'zod';
import { listQuery } from '../../lib/pagination.js';
import { reminderOverride } from '../invitations/reminders.schemas.js';

export const IMPORT_STATUSES = ['preview', 'approved', 'running', 'done', 'rejected', 'failed'] as const;
export const OUTCOMES = ['valid', 'invalid', 'duplicate', 'conflict'] as const;
export const RESULTS = ['created', 'invited', 'added_to_groups', 'already_there', 'skipped'] as const;

export const orgParams = z.object({ orgId: z.string() });
export const importParams = z.object({ orgId: z.string(), importId: z.string().uuid() });
export const modeQuery = z.object({
  mode: z.enum(['invite', 'create']).optional(),
  createMissingGroups: z.enum(['true', 'false']).optional(),
});
export const pasteBody = z.strictObject({
  text: z.string().max(50 * 1024 * 1024),
  mode: z.enum(['invite', 'create']).default('invite'),
  createMissingGroups: z.boolean().default(false),
});
export const approveBody = z.strictObject({
  sendAt: z.string().datetime({ offset: true, message: 'Use an ISO 8601 date and time.' }).optional(),
  createMissingGroups: z.boolean().optional(),
  sendWelcome: z.boolean().optional(),
  /** This import's invitation reminders, instead of the organization's settings (mode `invite`). */
  reminders: reminderOverride.optional(),
});

const message = z.object({
  field: z.string(),
  code: z.string(),
  level: z.enum(['error', 'info']),
  value: z.string().optional(),
  lines: z.array(z.number()).optional(),
  suggestion: z.string().nullable().optional(),
});
export const rowOut = z.object({
  line: z.number(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  groups: z.array(z.string()),
  role: z.string().nullable(),
  location: z.string(),
  externalId: z.string(),
  outcome: z.enum(OUTCOMES),
  alreadyMember: z.boolean(),
  messages: z.array(message),
  result: z.enum(RESULTS).nullable(),
  resultReason: z.string().nullable(),
});
export const countsOut = z.object({
  rows: z.number(),
  valid: z.number(),
  invalid: z.number(),
  duplicate: z.number(),
  conflict: z.number(),
  alreadyMembers: z.number(),
  alreadyInvited: z.number(),
});
export const importOut = z.object({
  id: z.string(),
  status: z.enum(IMPORT_STATUSES),
  mode: z.enum(['invite', 'create']),
  source: z.enum(['file', 'paste']),
  fileName: z.string().nullable(),
  fileSize: z.number().nullable(),
  counts: countsOut,
  unknownGroups: z.array(z.object({ name: z.string(), rows: z.number(), suggestion: z.string().nullable() })),
  columns: z.object({ matched: z.record(z.string(), z.number()), ignored: z.array(z.string()), duplicates: z.array(z.string()) }),
  options: z.object({
    createMissingGroups: z.boolean().optional(),
    sendAt: z.string().nullable().optional(),
    sendWelcome: z.boolean().optional(),
  }),
  progress: z.number(),
  rowsDone: z.number(),
  result: z.record(z.string(), z.number()).nullable(),
  error: z.string().nullable(),
  createdBy: z.object({ id: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable() }),
  createdAt: z.string(),
  approvedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
/** Seats (issue 16): with a seat limit, how many of the rows that would take a seat fit in the free seats. */
export const previewSeatsOut = z
  .object({ seatLimit: z.number(), seatsUsed: z.number(), rowsNeedingSeats: z.number(), rowsThatFit: z.number() })
  .nullable();
export const previewOut = importOut.extend({ rows: z.array(rowOut), seats: previewSeatsOut.optional() });
export const rowsQuery = z.object({ ...listQuery, outcome: z.enum(OUTCOMES).optional(), result: z.enum(RESULTS).optional() });
