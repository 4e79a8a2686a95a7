import { z } from 'zod';
import { listQuery } from '../../lib/pagination.js';
import { reminderOverride } from '../invitations/reminders.schemas.js';

export const IMPORT_STATUSES = ['preview', 'approved', 'running', 'done', 'rejected', 'failed'] as const;
export const OUTCOMES = ['valid', 'invalid', 'duplicate', 'conflict'] as const;
export const RESULTS = ['created', 'invited', 'added_to_groups', 'updated', 'already_there', 'skipped'] as const;
export const SYNC_MODES = ['add', 'update', 'sync'] as const;

// Update and sync (issue 15): the same choices by query string, multipart fields or JSON.
const syncMode = z
  .enum(SYNC_MODES)
  .describe(
    'add: new people only (default); update: also update the members the file names; sync: also archive the members it does not name',
  );
const blankCells = z.enum(['keep', 'clear']).describe("A blank cell keeps the member's value, or clears it");
const threshold = z
  .number()
  .min(0)
  .max(100)
  .describe('Archiving more than this share (percent, default 10) of the members in scope needs the number typed at approval');

export const orgParams = z.object({ orgId: z.string() });
export const importParams = z.object({ orgId: z.string(), importId: z.string().uuid() });
export const modeQuery = z.object({
  mode: z.enum(['invite', 'create']).optional(),
  createMissingGroups: z.enum(['true', 'false']).optional(),
  syncMode: syncMode.optional(),
  blankCells: blankCells.optional(),
  /** Comma-separated group ids. */
  syncScope: z.string().max(10_000).optional(),
  archiveThresholdPercent: z.coerce.number().min(0).max(100).optional(),
  autoApprove: z.enum(['true', 'false']).optional(),
});
export const pasteBody = z.strictObject({
  text: z.string().max(50 * 1024 * 1024),
  mode: z.enum(['invite', 'create']).default('invite'),
  createMissingGroups: z.boolean().default(false),
  syncMode: syncMode.optional(),
  blankCells: blankCells.optional(),
  syncScope: z.strictObject({ groupIds: z.array(z.string().uuid()).max(200) }).optional(),
  archiveThresholdPercent: threshold.optional(),
  /** Unattended: approved at once when under the archive threshold, otherwise held for an admin (who is emailed). */
  autoApprove: z.boolean().optional(),
});
export const approveBody = z.strictObject({
  sendAt: z.string().datetime({ offset: true, message: 'Use an ISO 8601 date and time.' }).optional(),
  createMissingGroups: z.boolean().optional(),
  sendWelcome: z.boolean().optional(),
  /** This import's invitation reminders, instead of the organization's settings (mode `invite`). */
  reminders: reminderOverride.optional(),
  /** A sync that archives more than its threshold: the number of members it archives, typed. */
  confirmArchiveCount: z.number().int().min(0).optional(),
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
  /** An existing member's planned (or applied) change, field by field. */
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable(),
});
export const countsOut = z.object({
  rows: z.number(),
  valid: z.number(),
  invalid: z.number(),
  duplicate: z.number(),
  conflict: z.number(),
  alreadyMembers: z.number(),
  alreadyInvited: z.number(),
  new: z.number().optional(),
  updated: z.number().optional(),
  unchanged: z.number().optional(),
  toArchive: z.number().optional(),
  membersInScope: z.number().optional(),
  archivePercent: z.number().optional(),
  overThreshold: z.boolean().optional(),
});
export const importOut = z.object({
  id: z.string(),
  status: z.enum(IMPORT_STATUSES),
  mode: z.enum(['invite', 'create']),
  syncMode: z.enum(SYNC_MODES),
  source: z.enum(['file', 'paste']),
  fileName: z.string().nullable(),
  fileSize: z.number().nullable(),
  counts: countsOut,
  unknownGroups: z.array(z.object({ name: z.string(), rows: z.number(), suggestion: z.string().nullable() })),
  columns: z.object({
    matched: z.record(z.string(), z.number()),
    ignored: z.array(z.string()),
    duplicates: z.array(z.string()),
    /** Profile-field columns (issue 15): field key → column index. */
    fields: z.record(z.string(), z.number()).optional(),
  }),
  options: z.object({
    createMissingGroups: z.boolean().optional(),
    sendAt: z.string().nullable().optional(),
    sendWelcome: z.boolean().optional(),
    blankCells: z.enum(['keep', 'clear']).optional(),
    syncScope: z
      .object({ groupIds: z.array(z.string()) })
      .nullable()
      .optional(),
    archiveThresholdPercent: z.number().optional(),
    autoApprove: z.boolean().optional(),
    heldForApproval: z.boolean().optional(),
    approvedArchiveCount: z.number().nullable().optional(),
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
export const rowsQuery = z.object({
  ...listQuery,
  outcome: z.enum(OUTCOMES).optional(),
  result: z.enum(RESULTS).optional(),
  /** Update and sync: only the new people, the members who change, or those who do not. */
  change: z.enum(['new', 'updated', 'unchanged']).optional(),
});
export const archiveOut = z.object({ accountId: z.string(), email: z.string(), name: z.string(), role: z.string() });

/** A multipart form field of the update/sync choices, read like the query string (unknown fields are ignored). */
export function syncField(name: string, value: string): Record<string, unknown> {
  const parsed = modeQuery
    .pick({ syncMode: true, blankCells: true, syncScope: true, archiveThresholdPercent: true })
    .safeParse({ [name]: value });
  if (!parsed.success || !(name in parsed.data)) return {};
  const v = (parsed.data as Record<string, unknown>)[name];
  if (name === 'syncScope')
    return {
      syncScope: {
        groupIds: String(v)
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      },
    };
  return { [name]: v };
}
