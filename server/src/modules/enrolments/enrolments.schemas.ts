import { z } from 'zod';
import { listQuery } from '../../lib/pagination.js';
import { sessionStatus } from '../programs/programs.schemas.js';

const person = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const enrolmentParams = z.object({ enrolmentId: z.guid() });
export const certificateParams = z.object({ certificateId: z.string().min(16).max(64) });
export const progressBody = z.strictObject({
  percent: z
    .number()
    .int('A whole number from 0 to 100.')
    .min(0, 'From 0 to 100.')
    .max(100, 'From 0 to 100.')
    .describe('Progress never decreases: a lower value keeps the current one. 100 completes the enrolment and issues a certificate.'),
});
export const myEnrolmentsQuery = z.object({ ...listQuery, orgId: z.guid().optional() });
export const orgEnrolmentsQuery = z.object({
  ...listQuery,
  accountId: z.guid().optional(),
  sessionId: z.guid().optional(),
  groupId: z.guid().optional().describe('Members of this group and of its sub-groups.'),
  programId: z.guid().optional(),
});

export const myEnrolmentOut = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  programId: z.string(),
  programTitle: z.string(),
  programDescription: z.string().nullable(),
  sessionId: z.string(),
  opensAt: z.string(),
  closesAt: z.string().nullable(),
  status: sessionStatus,
  percent: z.number().int(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  certificateId: z.string().nullable(),
  referent: person.nullable().describe('The program’s referent, or else the default referent of the learner’s group.'),
  dueAt: z.string().nullable().describe('When this enrolment is due: its own date (N days after enrolment) or the session’s close date.'),
  late: z.boolean().describe('Past its due date and not completed.'),
});

const homeGroup = z.object({
  id: z.string(),
  name: z.string(),
  welcomeMessage: z.string().nullable(),
  logoUrl: z.string().nullable(),
  backgroundUrl: z.string().nullable(),
  team: z
    .object({
      observers: z.array(z.object({ id: z.string(), name: z.string() })),
      referent: z.object({ id: z.string(), name: z.string() }).nullable(),
    })
    .describe('Who looks after the group: its observers and its default referent (names only).'),
});
export const homeOut = z.object({
  organizations: z.array(
    z.object({
      orgId: z.string(),
      orgName: z.string(),
      membershipStatus: z.string(),
      groups: z.array(homeGroup),
      enrolments: z.array(myEnrolmentOut.omit({ orgId: true, orgName: true })),
    }),
  ),
});

export const orgEnrolmentOut = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  email: z.string(),
  memberStatus: z.string(),
  programId: z.string(),
  programTitle: z.string(),
  sessionId: z.string(),
  opensAt: z.string(),
  closesAt: z.string().nullable(),
  status: sessionStatus,
  percent: z.number().int(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  certificateId: z.string().nullable(),
});

export const certificateOut = z.object({
  id: z.string(),
  learnerName: z.string(),
  programTitle: z.string(),
  organizationName: z.string(),
  orgId: z.string(),
  sessionOpensAt: z.string(),
  sessionClosesAt: z.string().nullable(),
  issuedAt: z.string(),
});

/** What a progress report answers, by enrolment id or by (externalId, program). */
export const progressResult = z
  .object({
    enrolmentId: z.string(),
    accountId: z.string(),
    sessionId: z.string(),
    percent: z.number(),
    completed: z.boolean(),
  })
  .meta({
    example: {
      enrolmentId: '01938a7e-0000-7000-8000-000000000010',
      accountId: '01938a7e-0000-7000-8000-000000000020',
      sessionId: '01938a7e-0000-7000-8000-000000000030',
      percent: 100,
      completed: true,
    },
  });
