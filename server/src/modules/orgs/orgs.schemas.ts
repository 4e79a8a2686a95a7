import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../http/permissions.js';

export const slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'At least 3 characters.')
  .max(50, 'At most 50 characters.')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single hyphens.');
export const orgName = z.string().trim().min(1, 'Enter a name.').max(200, 'At most 200 characters.');

export const createOrgBody = z.strictObject({ name: orgName, slug: slug.optional() });
/** Seats (issue 16): a limit on active learners and guests; null removes it. */
export const seatLimit = z.number().int().min(0).max(10_000_000).nullable();
export const updateOrgBody = z.strictObject({ name: orgName.optional(), seatLimit: seatLimit.optional() });
export const seatsOut = { seatLimit: z.number().nullable(), seatsUsed: z.number() };
export const orgParams = z.object({ orgId: z.string() });
export const orgOut = z.object({ id: z.string(), name: z.string(), slug: z.string() });
export const orgDetailOut = orgOut.extend({
  role: z.enum(ROLES),
  permissions: z.array(z.enum(PERMISSIONS)),
  createdAt: z.string(),
  ...seatsOut,
});
export const orgUpdatedOut = orgOut.extend(seatsOut);

export const locationBody = z.strictObject({ name: z.string().trim().min(1, 'Enter a name.').max(200) });
export const locationPatch = z.strictObject({ name: z.string().trim().min(1).max(200).optional(), archived: z.boolean().optional() });
export const locationOut = z.object({ id: z.string(), name: z.string(), archivedAt: z.string().nullable(), createdAt: z.string() });
export const locationParams = z.object({ orgId: z.string(), locationId: z.string().uuid() });
