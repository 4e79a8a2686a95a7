import { z } from 'zod';

export const BUILT_IN_FIELDS = ['email_domain', 'location', 'role', 'external_id', 'joined_at', 'source'] as const;
export const OPS = ['eq', 'in', 'contains', 'starts_with', 'before', 'after', 'empty'] as const;
export type Op = (typeof OPS)[number];
/** What the built-in field `source` reads from a membership (how the person came in). */
export const SOURCES = ['invitation', 'import', 'join_page', 'sso', 'scim', 'api', 'manual'] as const;

export const groupParams = z.object({ orgId: z.string(), groupId: z.string().uuid() });

export const condition = z.strictObject({
  field: z
    .string()
    .min(1)
    .max(64)
    .describe(`A profile-field key or one of ${BUILT_IN_FIELDS.join(', ')}.`),
  op: z.enum(OPS),
  value: z
    .union([z.string().max(1000), z.number(), z.boolean(), z.array(z.union([z.string().max(200), z.number()])).max(500), z.null()])
    .optional()
    .describe('`in`: a list; `empty`: true (is empty, the default) or false (is not empty); dates as YYYY-MM-DD.'),
});
export type Condition = z.infer<typeof condition>;
export const ruleBody = z.strictObject({
  match: z.enum(['all', 'any']),
  conditions: z.array(condition).min(1, 'Add at least one condition.').max(50),
});
export type RuleBody = z.infer<typeof ruleBody>;

const person = z.object({ accountId: z.string(), email: z.string(), name: z.string() });
export const previewOut = z.object({
  add: z.number().int(),
  remove: z.number().int(),
  matched: z.number().int().describe('Members the rule (with the exceptions) puts in the group.'),
  total: z.number().int().describe('Active members of the organization.'),
  matchesEveryone: z.boolean(),
  sampleAdd: z.array(person),
  sampleRemove: z.array(person),
});

export const ruleOut = z.object({
  groupId: z.string(),
  mode: z.enum(['manual', 'rule']),
  rule: ruleBody.nullable(),
  broken: z.object({ field: z.string(), since: z.string() }).nullable(),
  run: z.object({ status: z.enum(['queued', 'running', 'done', 'failed']), added: z.number().int(), removed: z.number().int() }).nullable(),
  exceptions: z.object({ always: z.array(person), never: z.array(person) }),
});

export const exceptionsBody = z.strictObject({
  always: z.array(z.string().uuid()).max(10_000),
  never: z.array(z.string().uuid()).max(10_000),
});
