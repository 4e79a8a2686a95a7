import { z } from 'zod';

// Invitation reminders (issue 14): per organization, overridable per invitation batch or import.

const afterDays = z
  .number()
  .int('Use a whole number of days.')
  .min(1, 'Remind after at least 1 day.')
  .max(365, 'Remind within 365 days at most.');
const maxCount = z.number().int('Use a whole number.').min(1, 'Send at least 1 reminder.').max(10, 'Send at most 10 reminders.');

export const reminderSettingsOut = z.object({ enabled: z.boolean(), afterDays: z.number(), maxCount: z.number() });
export const reminderSettingsBody = z.strictObject({
  enabled: z.boolean(),
  afterDays: afterDays.default(3),
  maxCount: maxCount.default(2),
});
/** A batch's or an import's own choice; what it leaves out comes from the organization's settings. */
export const reminderOverride = z.strictObject({
  enabled: z.boolean().default(true),
  afterDays: afterDays.optional(),
  maxCount: maxCount.optional(),
});
export type ReminderOverride = z.infer<typeof reminderOverride>;
/** What the invitations list shows: "reminded 2×, last on …". */
export const remindedOut = z.object({ count: z.number(), lastAt: z.string().nullable() });
