import { z } from 'zod';
import { listQuery } from '../../lib/pagination.js';

export const SESSION_STATUSES = ['scheduled', 'ongoing', 'closed'] as const;
export const sessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A session is scheduled before it opens, ongoing until it closes (forever if it never closes), then closed. */
export function statusAt(opensAt: string | Date, closesAt: string | Date | null, now: Date): SessionStatus {
  const t = now.getTime();
  if (t < new Date(opensAt).getTime()) return 'scheduled';
  if (closesAt !== null && t >= new Date(closesAt).getTime()) return 'closed';
  return 'ongoing';
}

const title = z.string().trim().min(1, 'Enter a title.').max(200, 'At most 200 characters.');
const description = z.string().trim().max(5000, 'At most 5000 characters.').nullable().optional();
const instant = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date and time, e.g. 2026-09-01T09:00:00Z.' });

export const orgParams = z.object({ orgId: z.string() });
export const programParams = z.object({ orgId: z.string(), programId: z.guid() });
export const sessionParams = programParams.extend({ sessionId: z.guid() });

export const createProgramBody = z.strictObject({
  title,
  description,
  referentId: z.guid().nullable().optional().describe('A staff member of the organization; overrides the groups’ default referent.'),
});
export const updateProgramBody = createProgramBody.partial();
export const listProgramsQuery = z.object({ ...listQuery, q: z.string().trim().max(200).optional() });

export const createSessionBody = z.strictObject({
  opensAt: instant,
  closesAt: instant.nullable().optional(),
  /** Issue 15: each enrolment is due this many days after it was made (null: the close date is the due date). */
  dueDaysAfterEnrolment: z.number().int().min(1).max(3650).nullable().optional(),
  /** Email the learner this many days before their due date (null: no such reminder). */
  remindDaysBefore: z.number().int().min(1).max(365).nullable().optional(),
  /** Email the learner once when they are late. */
  remindWhenLate: z.boolean().optional(),
});
export const updateSessionBody = createSessionBody.partial();
export const listSessionsQuery = z.object({ ...listQuery, status: sessionStatus.optional() });

const person = z.object({ id: z.string(), name: z.string(), email: z.string() });
export const programOut = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  referent: person.nullable(),
  sessionCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const sessionOut = z.object({
  id: z.string(),
  programId: z.string(),
  opensAt: z.string(),
  closesAt: z.string().nullable(),
  dueDaysAfterEnrolment: z.number().int().nullable(),
  remindDaysBefore: z.number().int().nullable(),
  remindWhenLate: z.boolean(),
  status: sessionStatus,
  groupCount: z.number().int().describe('Groups the session is attached to.'),
  enrolmentCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
