import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { queryRows } from '../../lib/sql.js';
import { queueEmails } from '../../mail/outbox.js';
import { groupStats, groupWatchList } from '../groups/group-stats.service.js';
import { digestToken } from './digest-links.js';

// Observers follow their groups: each morning the job runs; every observer gets a digest of the groups
// they observe — who never signed in, who is late, how many completed — weekly (the default: the first
// run of the week, Monday), daily, or not at all, chosen per group (digest-prefs.service.ts). One email
// per observer, organization and period, whatever happens: the row that claims the period is written in
// the transaction that queues the email, so a second run (retry, another worker) sends nothing.

const DIGEST = 'observers.digest';
/** Names listed per group and kind; the rest is a count. */
const NAMES = 10;

export type DigestGroup = {
  id: string;
  name: string;
  active: number;
  neverSignedIn: number;
  late: number;
  completed: number;
  neverSignedInNames: string[];
  lateNames: string[];
};

/** The Monday (UTC) of the week `now` falls in, as YYYY-MM-DD: what makes a digest "this week's". */
export function weekOf(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

export type DigestPeriod = 'weekly' | 'daily';

/** The day (UTC) `now` falls in, as YYYY-MM-DD: what makes a daily digest "today's". */
export const dayOf = (now: Date): string => now.toISOString().slice(0, 10);

/** Sends the digests of this week (weekly) and of today (daily) not sent yet; returns how many were queued. Safe to run again. */
export async function sendDigests(ctx: AppContext, orgId?: string): Promise<number> {
  return (await sendPeriodDigests(ctx, 'weekly', orgId)) + (await sendPeriodDigests(ctx, 'daily', orgId));
}

/** `orgId`: one organization only (a run started by hand, and tests that share a database). */
async function sendPeriodDigests(ctx: AppContext, period: DigestPeriod, orgId?: string): Promise<number> {
  const now = ctx.clock.now();
  const week = period === 'weekly' ? weekOf(now) : dayOf(now);
  const observers = await queryRows<{
    orgId: string;
    orgName: string;
    accountId: string;
    email: string;
    locale: string;
    groups: { id: string; name: string }[];
  }>(
    ctx.db,
    sql`SELECT o.org_id AS "orgId", org.name AS "orgName", o.account_id AS "accountId", a.email, a.locale,
          jsonb_agg(jsonb_build_object('id', g.id, 'name', g.name) ORDER BY g.name_key, g.id) AS groups
        FROM group_observers o
        JOIN memberships m ON m.org_id = o.org_id AND m.account_id = o.account_id AND m.status = 'active'
        JOIN accounts a ON a.id = o.account_id
        JOIN organizations org ON org.id = o.org_id
        JOIN groups g ON g.id = o.group_id
        LEFT JOIN observer_digest_prefs pr ON pr.account_id = o.account_id AND pr.group_id = o.group_id
        WHERE coalesce(pr.frequency, 'weekly') = ${period} ${orgId ? sql`AND o.org_id = ${orgId}` : sql``}
          AND NOT EXISTS (SELECT 1 FROM observer_digests d
                          WHERE d.org_id = o.org_id AND d.account_id = o.account_id AND d.period = ${period} AND d.week = ${week}::date)
        GROUP BY o.org_id, org.name, o.account_id, a.email, a.locale`,
  );
  let sent = 0;
  for (const ob of observers) {
    const groups: DigestGroup[] = [];
    for (const g of ob.groups) {
      const [stats, watch] = await Promise.all([
        groupStats(ctx.db, { orgId: ob.orgId, groupId: g.id, now }),
        groupWatchList(ctx.db, { orgId: ob.orgId, groupId: g.id, now, limit: NAMES }),
      ]);
      groups.push({
        id: g.id,
        name: g.name,
        active: stats.members.active,
        neverSignedIn: stats.members.neverSignedIn,
        late: stats.enrolments.late,
        completed: stats.enrolments.completed,
        neverSignedInNames: watch.neverSignedIn,
        lateNames: watch.late,
      });
    }
    if (groups.every((g) => g.active === 0)) continue; // nobody to follow yet: no email
    sent += await ctx.db.transaction(async (tx) => {
      const claimed = await queryRows(
        tx,
        sql`INSERT INTO observer_digests (org_id, account_id, period, week) VALUES (${ob.orgId}, ${ob.accountId}, ${period}, ${week}::date)
            ON CONFLICT DO NOTHING RETURNING 1`,
      );
      if (claimed.length === 0) return 0; // another run sent it
      await queueEmails(tx, ctx.jobs, [
        {
          to: ob.email,
          template: 'observer-digest',
          locale: ob.locale,
          orgId: ob.orgId,
          params: {
            orgId: ob.orgId,
            orgName: ob.orgName,
            groups,
            period,
            prefsToken: digestToken(ctx.config.sessionSecret, { accountId: ob.accountId, orgId: ob.orgId }),
          },
        },
      ]);
      return 1;
    });
  }
  return sent;
}

export const observerJobs: JobDefinition[] = [
  // Every day at 07:00 UTC: the daily digests, and on the first run of the week (Monday) the weekly ones.
  {
    name: DIGEST,
    schema: z.object({ orgId: z.string().uuid().optional() }).passthrough(),
    handler: async (ctx, data) => void (await sendDigests(ctx, data.orgId)),
    cron: '0 7 * * *',
  },
];
