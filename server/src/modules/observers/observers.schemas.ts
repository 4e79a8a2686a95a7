import { z } from 'zod';

export const DIGEST_FREQUENCIES = ['weekly', 'daily', 'off'] as const;
export const digestFrequency = z.enum(DIGEST_FREQUENCIES);

export const digestPrefOut = z.object({
  orgId: z.string(),
  orgName: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  frequency: digestFrequency,
});
export const digestPrefsOut = z.object({ items: z.array(digestPrefOut) });

export const groupIdParams = z.object({ groupId: z.string().uuid() });
export const setPrefBody = z.strictObject({ frequency: digestFrequency });
export const tokenQuery = z.object({ token: z.string().min(1).max(300) });
/** From the digest's page: one group, or (no groupId) every group of that organization's digest. */
export const tokenPrefBody = z.strictObject({ frequency: digestFrequency, groupId: z.string().uuid().optional() });
export const unsubscribedOut = z.object({ frequency: z.literal('off'), groups: z.number() });
