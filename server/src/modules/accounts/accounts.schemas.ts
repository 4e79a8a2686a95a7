import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../http/permissions.js';

export const password = z.string().min(8, 'At least 8 characters.').max(256, 'At most 256 characters.');
export const locale = z.enum(['en', 'fr']);
export const personName = z.string().trim().min(1, 'Enter a name.').max(200);
export const emailInput = z.string().max(320);

export const registerBody = z.strictObject({ email: emailInput, password, name: personName, locale: locale.optional() });
export const emailOnlyBody = z.strictObject({ email: emailInput });
export const tokenBody = z.strictObject({ token: z.string().min(10).max(200) });
export const loginBody = z.strictObject({ email: emailInput, password: z.string().max(1024) });
export const resetBody = z.strictObject({ token: z.string().min(10).max(200), password, signOutOtherSessions: z.boolean().default(true) });
export const updateMeBody = z.strictObject({ name: personName.optional(), locale: locale.optional() });

export const accountOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  locale: z.string(),
  verifiedAt: z.string().nullable(),
});
export const membershipOut = z.object({
  orgId: z.string(),
  orgName: z.string(),
  orgSlug: z.string(),
  role: z.enum(ROLES),
  status: z.string(),
  permissions: z.array(z.enum(PERMISSIONS)),
  /** The roles the viewer may give in this organization (invitations, new members, role changes). */
  grantableRoles: z.array(z.enum(ROLES)).describe('Roles this member may give in this organization (invitations, imports, role changes).'),
});
export const meOut = z.object({ account: accountOut, memberships: z.array(membershipOut) });

// Email address changes (issue 14).
export const changeEmailBody = z.strictObject({ email: emailInput.describe('The new address; a confirmation link is mailed to it.') });
export const emailChangeOut = z
  .object({ status: z.literal('verification_sent'), email: z.string(), expiresAt: z.string() })
  .describe('The same answer whether or not another account already holds the address (that address is told instead).');
export const pendingEmailChangeOut = z.object({
  pending: z.object({ newEmail: z.string(), expiresAt: z.string(), createdAt: z.string() }).nullable(),
});
export const emailChangedOut = z.object({ status: z.literal('email_changed'), email: z.string() });
