import { z } from 'zod';
import { registerFromInvitationBody } from '../invitations/invitations.schemas.js';
import { slug } from '../orgs/orgs.schemas.js';

export const orgParams = z.object({ orgId: z.string() });
export const slugParams = z.object({ slug: z.string().max(100) });
export const linkParams = z.object({ slug: z.string().max(100), token: z.string().min(20).max(200) });

/** PUT replaces the settings; a list left out keeps its current value. */
export const settingsBody = z.strictObject({
  enabled: z.boolean(),
  slug,
  allowedDomains: z.array(z.string().max(300)).max(200, 'At most 200 domains.').optional(),
  groupIds: z.array(z.string().uuid()).max(200, 'At most 200 groups.').optional(),
  locationIds: z.array(z.string().uuid()).max(200, 'At most 200 locations.').optional(),
  /** issue 16: people who verify their address wait for an admin's approval (Learners → Requests). */
  requireApproval: z.boolean().optional(),
});

export const settingsOut = z.object({
  enabled: z.boolean(),
  slug: z.string(),
  allowedDomains: z.array(z.string()),
  groupIds: z.array(z.string()),
  locationIds: z.array(z.string()),
  requireApproval: z.boolean(),
  /** The full public address of the page. */
  url: z.string(),
  updatedAt: z.string().nullable(),
});

const offeredGroup = z.object({ id: z.string(), name: z.string(), welcomeMessage: z.string().nullable() });
const offeredLocation = z.object({ id: z.string(), name: z.string() });

export const publicPageOut = z.object({
  slug: z.string(),
  organization: z.object({ name: z.string() }),
  branding: z.object({ logoUrl: z.string().nullable() }),
  /** Empty: any address may join. */
  allowedDomains: z.array(z.string()),
  groups: z.array(offeredGroup),
  locations: z.array(offeredLocation),
});

export const joinBody = z.strictObject({
  email: z.string().max(400),
  groupId: z.string().uuid(),
  locationId: z.string().uuid().nullish(),
});
export const joinOut = z.object({ status: z.literal('verification_sent') });

export const LINK_STATES = ['open', 'accepted', 'declined', 'cancelled', 'expired', 'replaced'] as const;

export const linkOut = z.object({
  state: z.enum(LINK_STATES),
  email: z.string(),
  accountExists: z.boolean(),
  slug: z.string(),
  organization: z.object({ name: z.string() }),
  branding: z.object({ logoUrl: z.string().nullable() }),
  group: offeredGroup.nullable(),
  location: offeredLocation.nullable(),
  expiresAt: z.string().nullable(),
});

export const registerBody = registerFromInvitationBody;
/** `pending_approval`: the page requires approval; the person joins once an admin approves (issue 16). */
export const joinedOut = z.object({
  status: z.enum(['joined', 'pending_approval']),
  orgId: z.string(),
  groupId: z.string().nullable(),
  alreadyAccepted: z.boolean(),
});
