import { z } from 'zod';
import { ROLES } from '../../http/permissions.js';

export const passcodeText = z
  .string()
  .min(6, 'At least 6 characters.')
  .max(64, 'At most 64 characters.')
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, hyphens and underscores only (no spaces or emoji).');

export const orgParams = z.object({ orgId: z.string() });
export const passcodeParams = z.object({ orgId: z.string(), passcodeId: z.string().uuid() });

export const createPasscodeBody = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name.').max(200),
  passcode: passcodeText,
  capacity: z
    .number({ message: 'Enter a number of registrations.' })
    .int('Use a whole number.')
    .min(1, 'At least 1 registration.')
    .max(1_000_000),
  groupIds: z.array(z.string().uuid()).max(100),
  role: z.enum(['learner', 'guest']).default('learner'),
  message: z.string().max(5000, 'At most 5,000 characters.').optional(),
  sendCopyToMe: z.boolean().default(false),
});
export const patchPasscodeBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().optional(),
  capacity: z.number().int().min(1, 'At least 1 registration.').max(1_000_000).optional(),
});
export const passcodeOut = z.object({
  id: z.string(),
  name: z.string(),
  capacity: z.number(),
  used: z.number(),
  enabled: z.boolean(),
  role: z.enum(ROLES),
  groupIds: z.array(z.string()),
  message: z.string().nullable(),
  createdAt: z.string(),
});
export const redemptionOut = z.object({
  accountId: z.string().nullable(),
  email: z.string(),
  name: z.string().nullable(),
  joinedAt: z.string().nullable(),
});
export const redeemBody = z.strictObject({ passcode: z.string().trim().max(64) });
export const redeemOut = z.object({ orgId: z.string(), orgName: z.string(), groupIds: z.array(z.string()), alreadyRedeemed: z.boolean() });
