import { z } from 'zod';

// The group's dashboard (issue 14, "observers at a glance") and the export of the people behind each number.

export const DASHBOARD_WEEKS = 12;
export const PEOPLE_METRICS = [
  'active',
  'archived',
  'invited',
  'never_signed_in',
  'inactive_7',
  'inactive_30',
  'enrolled',
  'completed',
  'late',
  'completed_in_week',
] as const;
export type PeopleMetric = (typeof PEOPLE_METRICS)[number];

export const dashboardOut = z.object({
  members: z.object({
    active: z.number(),
    archived: z.number(),
    invited: z.number(),
    neverSignedIn: z.number(),
    /** Active members who signed in before, but not in the last 7 (30) days. */
    inactive7: z.number(),
    inactive30: z.number(),
  }),
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      programId: z.string(),
      programTitle: z.string(),
      opensAt: z.string(),
      closesAt: z.string().nullable(),
      status: z.enum(['scheduled', 'ongoing', 'closed']),
      enrolled: z.number(),
      completed: z.number(),
      /** Not completed when the session closed. */
      late: z.number(),
      /** Completed, but after the session closed. */
      completedLate: z.number(),
    }),
  ),
  /** Completions per week (Monday, UTC), the last 12 weeks, oldest first. */
  weekly: z.array(z.object({ week: z.string(), completions: z.number() })),
  /** When these figures were computed: now, or for a large group its last computation. */
  asOf: z.string(),
  /** The figures are DASHBOARD_FRESH_SECONDS old or more and are being computed again. */
  refreshing: z.boolean(),
});

export const dashboardQuery = z.object({
  /** Compute the figures now, even for a large group served from its last computation. */
  fresh: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const peopleExportQuery = z.object({
  metric: z.enum(PEOPLE_METRICS),
  format: z.enum(['csv', 'xlsx']).default('csv'),
  sessionId: z.string().uuid().optional(),
  week: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date such as 2026-11-23.')
    .optional(),
});
