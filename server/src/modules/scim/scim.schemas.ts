import { z } from 'zod';
import { SCIM_ACCOUNT_MODES, SCIM_ROLES } from '../../db/schema/scim.js';

export const orgParams = z.object({ orgId: z.string() });
export const tokenParams = z.object({ orgId: z.string(), tokenId: z.string().uuid() });

export const createTokenBody = z
  .strictObject({ name: z.string().trim().max(100, 'At most 100 characters.').optional() })
  .meta({ example: { name: 'Microsoft Entra ID' } });

export const tokenOut = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the token, to recognise it.'),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
});
export const createdTokenOut = tokenOut.extend({
  token: z.string().describe('The bearer token (`scim_…`): shown in this answer only, never again.'),
});

export const settingsOut = z.object({
  enabled: z.boolean(),
  accountMode: z.enum(SCIM_ACCOUNT_MODES).describe('`set_password`: new people get an email to choose a password; `sso`: no email.'),
  role: z.enum(SCIM_ROLES),
  defaultGroupIds: z.array(z.string()),
  baseUrl: z.string().describe('The SCIM base URL to give the identity provider.'),
});
export const settingsBody = z
  .strictObject({
    enabled: z.boolean().optional(),
    accountMode: z.enum(SCIM_ACCOUNT_MODES).optional(),
    role: z.enum(SCIM_ROLES).optional(),
    defaultGroupIds: z.array(z.string().uuid()).max(50).optional(),
  })
  .meta({ example: { enabled: true, accountMode: 'sso', role: 'learner', defaultGroupIds: [] } });

export const logQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(100).optional(),
});
export const logEntryOut = z.object({
  id: z.string(),
  at: z.string(),
  method: z.string(),
  operation: z.string(),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  status: z.number(),
  error: z.string().nullable(),
  durationMs: z.number(),
});
