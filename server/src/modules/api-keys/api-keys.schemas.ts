import { z } from 'zod';
import { SCOPES } from './scopes.js';

export const orgParams = z.object({ orgId: z.string() });
export const keyParams = z.object({ orgId: z.string(), keyId: z.string().uuid() });

export const createKeyBody = z
  .strictObject({
    name: z.string().trim().min(1, 'Enter a name.').max(100, 'At most 100 characters.'),
    scopes: z
      .array(z.enum(SCOPES, { error: `Unknown scope; use one of ${SCOPES.join(', ')}.` }))
      .min(1, 'Choose at least one scope.')
      .max(SCOPES.length),
    expiresAt: z.iso.datetime({ offset: true, error: 'Give a date and time (ISO 8601).' }).nullish(),
  })
  .meta({ example: { name: 'HR sync', scopes: ['members:read', 'members:write', 'groups:write'], expiresAt: '2027-12-31T23:59:59Z' } });

export const apiKeyOut = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the secret, to recognise the key.'),
    scopes: z.array(z.enum(SCOPES)),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    lastUsedIp: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({
    example: {
      id: '0b7e7c52-6a47-4a8e-9d0e-4d3c9b1f2a10',
      name: 'HR sync',
      prefix: 'trp_Qm9vYmFy',
      scopes: ['members:read'],
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: '2026-12-01T09:30:00.000Z',
      lastUsedIp: '203.0.113.7',
      createdAt: '2026-11-30T14:02:11.000Z',
    },
  });

export const createdKeyOut = apiKeyOut.extend({
  secret: z.string().describe('The key itself (`trp_…`): shown in this answer only, never again.'),
});
