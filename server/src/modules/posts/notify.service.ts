import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { JobDefinition, JobQueue } from '../../jobs/queue.js';
import { queueEmails } from '../../mail/outbox.js';
import { registerTemplates } from '../../mail/templates/index.js';
import { addPending, findRecipient, takePending } from './notify.repo.js';
import type { SpaceRef } from './posts.repo.js';
import { spaceDigest } from './space-mail.js';

// Observers hear of new posts and comments in their groups, batched: the first novelty opens a window
// of NOTIFY_BATCH_SECONDS and schedules one job at its end; the job sends one email listing all that
// came in meanwhile. At most one email per observer and organization per window, whatever the traffic.
// An observer may choose, per group, a daily summary instead (a day-long window of its own) or
// nothing. The referent of a program session hears of its discussion the same way, batched.

const NOTIFY = 'space.notify';
/** Items listed in one email; the rest is a count. */
const LISTED = 20;
const EXCERPT = 200;
/** The window of a daily summary. */
export const DAILY_SECONDS = 86_400;

registerTemplates({ 'space-digest': spaceDigest });

/** Records a new post or comment for those who hear of the space, in the caller's transaction (the job runs after commit). */
export async function notifySpace(
  tx: Db,
  jobs: JobQueue,
  o: { orgId: string; space: SpaceRef; postId: string; commentId: string | null; authorId: string; now: Date; batchSeconds: number },
): Promise<void> {
  const dueAt = new Date(o.now.getTime() + o.batchSeconds * 1000);
  const dailyDueAt = new Date(o.now.getTime() + DAILY_SECONDS * 1000);
  const opened = await addPending(tx, { ...o, dueAt, dailyDueAt });
  for (const daily of [false, true]) {
    const windows = opened.filter((w) => w.daily === daily);
    if (windows.length > 0)
      await jobs.sendMany(
        NOTIFY,
        windows.map((w) => ({ orgId: o.orgId, accountId: w.accountId, daily })),
        { tx, startAfter: daily ? dailyDueAt : dueAt },
      );
  }
}

/** One line of text of at most EXCERPT characters. */
export function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
}

/** Sends an observer what is pending; a second run finds the window closed and sends nothing. */
export async function sendObserverNotification(
  ctx: AppContext,
  o: { orgId: string; accountId: string; daily?: boolean },
): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const items = await takePending(tx, { orgId: o.orgId, accountId: o.accountId, daily: o.daily ?? false });
    if (!items || items.length === 0) return false;
    const to = await findRecipient(tx, o);
    if (!to) return false;
    const listed = items.slice(0, LISTED).map((i) => ({
      kind: i.kind,
      groupId: i.groupId,
      sessionId: i.sessionId,
      groupName: i.groupName,
      authorName: i.authorName,
      excerpt: excerpt(i.body),
    }));
    await queueEmails(tx, ctx.jobs, [
      {
        to: to.email,
        template: 'space-digest',
        locale: to.locale,
        orgId: o.orgId,
        params: { orgId: o.orgId, orgName: to.orgName, items: listed, more: items.length - listed.length, daily: o.daily ?? false },
      },
    ]);
    return true;
  });
}

export const spaceJobs: JobDefinition[] = [
  {
    name: NOTIFY,
    schema: z.object({ orgId: z.guid(), accountId: z.guid(), daily: z.boolean().optional() }),
    handler: async (ctx, data) => void (await sendObserverNotification(ctx, data)),
  },
];
