import { z } from 'zod';
import { ROLES } from '../../http/permissions.js';
import { listQuery } from '../../lib/pagination.js';
import { MEMBER_STATUSES } from './members.repo.js';
import { fieldValue, fieldValues } from '../profile-fields/fields.schemas.js';

export const orgParams = z.object({ orgId: z.string() });
export const memberParams = z.object({ orgId: z.string(), accountId: z.string().uuid() });
export const filters = {
  status: z.enum(MEMBER_STATUSES).optional(),
  role: z
    .string()
    .max(200)
    .transform((v) =>
      v
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(ROLES)).min(1))
    .optional()
    .describe('One role, or several separated by commas (e.g. owner,admin,manager_full,manager_limited).'),
  groupId: z.string().uuid().optional(),
  q: z.string().trim().max(200).optional(),
  field: z.string().max(64).optional().describe('issue 15: a profile-field key (or built-in field) to filter members on, with fieldValue.'),
  fieldValue: z.string().max(200).optional().describe('Text fields contain it, others equal it; empty: the field is empty.'),
};
export const listMembersQuery = z.object({ ...listQuery, ...filters });
export const countsQuery = z.object({
  role: filters.role,
  groupId: filters.groupId,
  q: filters.q,
  field: filters.field,
  fieldValue: filters.fieldValue,
});

export const memberOut = z.object({
  id: z.string(),
  accountId: z.string().nullable(),
  invitationId: z.string().nullable(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  status: z.enum(MEMBER_STATUSES),
  source: z.string(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  fields: z.record(z.string(), fieldValue).nullable().describe('Profile-field values (null for invitees).'),
});
export const countsOut = z.object(
  Object.fromEntries(MEMBER_STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof MEMBER_STATUSES)[number], z.ZodNumber>,
);

export const createMemberBody = z.strictObject({
  email: z.string().max(320),
  name: z.string().trim().min(1, 'Enter a name.').max(200),
  role: z.enum(ROLES).default('learner'),
  groupIds: z.array(z.string().uuid()).max(100).default([]),
  password: z.string().min(8, 'At least 8 characters.').max(256).optional(),
  locale: z.enum(['en', 'fr']).optional().describe('Language of the welcome email and the account; default: the creator’s.'),
});
export const createdMemberOut = z.object({
  accountId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  status: z.literal('active'),
});
export const patchMemberBody = z
  .strictObject({ role: z.enum(ROLES).optional(), fields: fieldValues.optional() })
  .refine((b) => b.role !== undefined || b.fields !== undefined, 'Give a role or fields.');
export const patchMemberOut = z.object({ accountId: z.string(), role: z.enum(ROLES), fields: z.record(z.string(), fieldValue) });
export const memberDetailOut = memberOut.omit({ fields: true, invitationId: true, id: true }).extend({
  accountId: z.string(),
  fields: z.record(z.string(), fieldValue),
});
export const bulkBody = z.strictObject({
  action: z.enum(['archive', 'restore', 'add_to_group', 'remove_from_group']),
  accountIds: z.array(z.string().uuid()).min(1).max(10_000),
  groupId: z.string().uuid().optional(),
});
