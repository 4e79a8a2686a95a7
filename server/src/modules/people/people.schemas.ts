import { z } from 'zod';
import { fieldValues } from '../profile-fields/fields.schemas.js';

export const personParams = z.object({ orgId: z.string(), externalId: z.string().min(1).max(200) });

export const upsertPersonBody = z
  .strictObject({
    email: z.string().trim().min(3).max(320),
    name: z.string().trim().min(1, 'Enter a name.').max(200),
    mode: z.enum(['create', 'invite']).describe('`create`: a managed account at once; `invite`: an invitation the person accepts.'),
    locale: z.enum(['en', 'fr']).optional(),
    role: z.enum(['manager_full', 'manager_limited', 'learner', 'guest']).default('learner'),
    locationId: z.string().uuid().optional(),
    groupIds: z.array(z.string().uuid()).max(500).default([]),
    groupsMode: z.enum(['replace', 'add']).default('replace'),
    fields: fieldValues
      .optional()
      .describe(
        'issue 15: profile-field values by key (null clears one); rule-based groups follow (ignored for an invitee, who is not a member yet).',
      ),
  })
  .meta({
    example: {
      email: 'ana.lopez@example.com',
      name: 'Ana Lopez',
      mode: 'create',
      locale: 'fr',
      role: 'learner',
      groupIds: ['6f1c3a52-9d0e-4b7a-8f21-0c5e7d9a1b23'],
      groupsMode: 'replace',
    },
  });

export const personOut = z
  .object({
    externalId: z.string(),
    email: z.string(),
    accountId: z.string().nullable(),
    invitationId: z.string().nullable(),
    status: z.enum(['active', 'invited']),
    changed: z.boolean().describe('false when the same request was already applied: nothing was done.'),
  })
  .meta({
    example: {
      externalId: 'HR-000123',
      email: 'ana.lopez@example.com',
      accountId: '01938a7e-0000-7000-8000-000000000020',
      invitationId: null,
      status: 'active',
      changed: true,
    },
  });
