import { z } from 'zod';
import { ROLES } from '../../http/permissions.js';
import { listQuery } from '../../lib/pagination.js';
import { remindedOut, reminderOverride } from './reminders.schemas.js';

export const INVITATION_STATUSES = ['prospect', 'pending', 'active', 'declined', 'cancelled', 'expired'] as const;
export const INVITATION_KINDS = ['email', 'passcode', 'join_page', 'session'] as const;

export const message = z.string().max(5000, 'At most 5,000 characters.');
export const orgParams = z.object({ orgId: z.string() });
export const invitationParams = z.object({ orgId: z.string(), invitationId: z.string().uuid() });
export const tokenParams = z.object({ token: z.string().min(20).max(200) });

export const inviteBody = z.strictObject({
  emails: z.array(z.string().max(8_000_000)).min(1, 'Enter at least one address.').max(100_000),
  groupIds: z.array(z.string().uuid()).max(100),
  role: z.enum(ROLES).default('learner'),
  locationId: z.string().uuid().optional(),
  message: message.optional(),
  sendCopyToMe: z.boolean().default(false),
  sendAt: z.string().datetime({ offset: true, message: 'Use an ISO 8601 date and time.' }).optional(),
  /** This batch's reminders, instead of the organization's settings. */
  reminders: reminderOverride.optional(),
});

export const invitationOut = z.object({
  id: z.string(),
  kind: z.enum(INVITATION_KINDS),
  email: z.string(),
  status: z.enum(INVITATION_STATUSES),
  role: z.string(),
  groupIds: z.array(z.string()),
  locationId: z.string().nullable(),
  sessionId: z.string().nullable(),
  message: z.string().nullable(),
  invitedBy: z.string().nullable(),
  sendAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  declinedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  replacesId: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  /** Reminders sent (issue 14); absent when none was. */
  reminded: remindedOut.optional(),
});
export const skippedOut = z.object({
  email: z.string(),
  reason: z.enum(['invalid_email', 'duplicate_in_list', 'already_member', 'already_invited', 'already_enrolled', 'not_a_member']),
  invitationId: z.string().optional(),
});
export const inviteOut = z.object({ items: z.array(invitationOut), skipped: z.array(skippedOut) });
export const batchOut = z.object({
  batchId: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  total: z.number(),
  invited: z.number().nullable(),
  skipped: z.array(skippedOut).nullable(),
});

export const listInvitationsQuery = z.object({
  ...listQuery,
  status: z.enum(INVITATION_STATUSES).optional(),
  kind: z.enum(INVITATION_KINDS).optional(),
  q: z.string().trim().max(200).optional(),
  groupId: z.string().uuid().optional().describe('Only invitations leading to this group (404 when it is not one the viewer may see).'),
  includeSubgroups: z.enum(['true', 'false']).optional().describe('With groupId: also invitations leading to its sub-groups, any depth.'),
});
export const bulkCancelBody = z.strictObject({
  emails: z.array(z.string().max(320)).max(100_000).optional(),
  invitationIds: z.array(z.string().uuid()).max(100_000).optional(),
});
export const bulkResendBody = z.strictObject({ invitationIds: z.array(z.string().uuid()).min(1).max(100_000) });
export const changeEmailBody = z.strictObject({ email: z.string().max(320) });

export const viewOut = z.object({
  state: z.enum(['open', 'accepted', 'declined', 'cancelled', 'expired', 'replaced']),
  kind: z.enum(INVITATION_KINDS),
  email: z.string(),
  accountExists: z.boolean(),
  organization: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
  groups: z.array(z.object({ id: z.string(), name: z.string(), welcomeMessage: z.string().nullable(), logoUrl: z.string().nullable() })),
  inviter: z.object({ name: z.string().nullable() }),
  message: z.string().nullable(),
});
export const registerFromInvitationBody = z.strictObject({
  name: z.string().trim().min(1, 'Enter your name.').max(200),
  password: z.string().min(8, 'At least 8 characters.').max(256),
  locale: z.enum(['en', 'fr']).optional(),
});
export const acceptedOut = z.object({ orgId: z.string(), alreadyAccepted: z.boolean() });

export const sessionInviteBody = z.strictObject({
  accountIds: z.array(z.string().uuid()).max(10_000).default([]),
  emails: z.array(z.string().max(1_000_000)).max(10_000).default([]),
  message: message.optional(),
});
