import { z } from 'zod';

export const FIELD_TYPES = ['text', 'choice', 'multi_choice', 'date', 'number', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const orgParams = z.object({ orgId: z.string() });
export const fieldParams = z.object({ orgId: z.string(), fieldId: z.string().uuid() });

const label = z.strictObject({
  en: z.string().trim().min(1, 'Enter a label.').max(200),
  fr: z.string().trim().max(200).nullish(),
});
const options = z.array(z.string().trim().min(1).max(200)).max(500);

export const createFieldBody = z.strictObject({
  key: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'Use lower-case letters, digits and _, starting with a letter.')
    .describe('Stable name used by rules, imports and the API (e.g. `department`).'),
  label,
  type: z.enum(FIELD_TYPES),
  options: options.optional(),
  learnerVisible: z.boolean().default(false),
  learnerEditable: z.boolean().default(false),
});
export const patchFieldBody = z.strictObject({
  label: label.optional(),
  options: options.optional(),
  learnerVisible: z.boolean().optional(),
  learnerEditable: z.boolean().optional(),
});

export const fieldOut = z.object({
  id: z.string(),
  key: z.string(),
  label: z.object({ en: z.string(), fr: z.string().nullable() }),
  type: z.enum(FIELD_TYPES),
  options: z.array(z.string()),
  learnerVisible: z.boolean(),
  learnerEditable: z.boolean(),
  usedByGroups: z.number().int().describe('Rule-based groups whose rule reads this field.'),
  createdAt: z.string(),
});
export const fieldListOut = z.object({ items: z.array(fieldOut) });

/** A field's value as the API shows and takes it: text, number, boolean, ISO date (`YYYY-MM-DD`), a list of options; null clears it. */
export const fieldValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.string().max(200)).max(100), z.null()]);
export type FieldValue = z.infer<typeof fieldValue>;
export const fieldValues = z.record(z.string().max(64), fieldValue);

/** The member's own fields (learner-visible ones), as the learner home shows them. */
export const myFieldsOut = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      label: z.object({ en: z.string(), fr: z.string().nullable() }),
      type: z.enum(FIELD_TYPES),
      options: z.array(z.string()),
      editable: z.boolean(),
      value: fieldValue,
    }),
  ),
});
export const myFieldsBody = z.strictObject({ fields: fieldValues });
