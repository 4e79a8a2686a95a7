import { z } from 'zod';
import { ROLES } from '../../http/permissions.js';
import { listQuery } from '../../lib/pagination.js';
import { sessionStatus } from '../programs/programs.schemas.js';

/** Trims, applies Unicode NFC and collapses inner runs of white space: what a group is called. */
export const cleanGroupName = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
/** What sibling names are compared by: the clean name, lower-cased ("Sales ", "sales" and "SALES" clash). */
export const groupNameKey = (s: string) => cleanGroupName(s).toLowerCase();

const groupName = z
  .string()
  .max(1000, 'At most 200 characters.')
  .transform(cleanGroupName)
  .pipe(z.string().min(1, 'Enter a name.').max(200, 'At most 200 characters.'));
const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters.`).nullable().optional();

export const orgParams = z.object({ orgId: z.string() });
export const groupParams = z.object({ orgId: z.string(), groupId: z.guid() });
export const groupMemberParams = groupParams.extend({ accountId: z.guid() });
export const assignmentParams = groupParams.extend({ sessionId: z.guid() });

export const createGroupBody = z.strictObject({
  name: groupName,
  parentId: z.guid().nullable().optional(),
  description: optionalText(2000),
  welcomeMessage: optionalText(5000),
});
export const updateGroupBody = z.strictObject({
  name: groupName.optional(),
  parentId: z.guid().nullable().optional().describe('Move the group under another group (null: to the top level).'),
  description: optionalText(2000),
  welcomeMessage: optionalText(5000),
  defaultReferentId: z.guid().nullable().optional().describe('A staff member (owner, admin or manager) of the organization.'),
  seatLimit: z
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .nullable()
    .optional()
    .describe('Issue 16: active learners and guests in the group; null: none. Owners and admins.'),
});
export const listGroupsQuery = z.object({
  ...listQuery,
  parentId: z
    .union([z.guid(), z.literal('root')])
    .optional()
    .describe('Only the direct sub-groups of this group (`root`: top-level groups).'),
  q: z.string().trim().max(200).optional(),
});
export const deleteGroupQuery = z.object({
  withSubgroups: z.enum(['true', 'false']).optional().describe('Also delete the sub-groups (otherwise 409 group_has_subgroups).'),
});

export const accountIdsBody = z.strictObject({
  accountIds: z.array(z.guid()).min(1, 'Name at least one account.').max(10_000, 'At most 10,000 accounts per call.'),
});
export const assignmentBody = z.strictObject({ sessionId: z.guid() });
export const peopleQuery = z.object({ ...listQuery, q: z.string().trim().max(200).optional() });

export const personOut = z.object({ id: z.string(), name: z.string(), email: z.string() });
export const groupOut = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  welcomeMessage: z.string().nullable(),
  logoUrl: z.string().nullable(),
  backgroundUrl: z.string().nullable(),
  memberCount: z.number().int(),
  subgroupCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const groupDetailOut = groupOut.extend({
  path: z.array(z.object({ id: z.string(), name: z.string() })).describe('The ancestors, from the top-level group down to the parent.'),
  defaultReferent: personOut.nullable(),
  observers: z.array(personOut.extend({ role: z.enum(ROLES) })),
  seatLimit: z.number().nullable(),
  seatsUsed: z.number(),
});
export const groupMemberOut = z.object({
  accountId: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  status: z.string(),
  addedAt: z.string(),
});
export const observerOut = groupMemberOut.omit({ status: true });
export const addedOut = z.object({ added: z.number().int() });
export const assignmentOut = z.object({
  groupId: z.string(),
  sessionId: z.string(),
  programId: z.string(),
  programTitle: z.string(),
  opensAt: z.string(),
  closesAt: z.string().nullable(),
  status: sessionStatus,
  assignedAt: z.string(),
});
export const attachedOut = assignmentOut.extend({ enrolled: z.number().int().describe('Enrolments created by this attachment.') });

/** What observers follow in a group (GET …/groups/:groupId/stats). */
export const groupStatsOut = z.object({
  members: z.object({
    active: z.number().int().describe('Active members of the group and of its sub-groups, each once.'),
    neverSignedIn: z.number().int(),
    signedInRecently: z.number().int().describe('Signed in within the last 30 days.'),
  }),
  enrolments: z.object({
    total: z.number().int(),
    notStarted: z.number().int(),
    inProgress: z.number().int(),
    completed: z.number().int(),
    late: z.number().int().describe('Not completed in a session that has closed.'),
  }),
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      programId: z.string(),
      programTitle: z.string(),
      opensAt: z.string(),
      closesAt: z.string().nullable(),
      status: sessionStatus,
      enrolled: z.number().int(),
      notStarted: z.number().int(),
      inProgress: z.number().int(),
      completed: z.number().int(),
    }),
  ),
});
