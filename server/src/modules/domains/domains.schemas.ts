import { z } from 'zod';
import { DOMAIN_POLICIES } from '../../db/schema/domains.js';

export const orgParams = z.object({ orgId: z.string() });
export const domainParams = z.object({ orgId: z.string(), domainId: z.string().uuid() });

export const addDomainBody = z.strictObject({ domain: z.string().min(1).max(300) });

export const updateDomainBody = z.strictObject({
  policy: z.enum(DOMAIN_POLICIES),
  groupIds: z.array(z.string().uuid()).max(50, 'At most 50 groups.').optional(),
  sso: z.strictObject({ enforced: z.boolean() }).optional(),
});

export const domainOut = z.object({
  id: z.string(),
  domain: z.string(),
  /** The DNS record to create at the domain. */
  verificationRecord: z.object({ type: z.literal('TXT'), name: z.string(), value: z.string() }),
  verifiedAt: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  policy: z.enum(DOMAIN_POLICIES),
  groupIds: z.array(z.string()),
  sso: z.object({ enforced: z.boolean(), connectionId: z.string().nullable() }),
  createdAt: z.string(),
});

export const domainListOut = z.object({ items: z.array(domainOut), nextCursor: z.null() });
