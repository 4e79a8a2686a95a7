import { cpus, loadavg } from 'node:os';
import type { AppContext } from '../src/context.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { one as oneRow } from '../src/lib/rows.js';
import { listComments } from '../src/modules/posts/comments.service.js';
import { listFeed, listPosts } from '../src/modules/posts/posts.service.js';
import { type Benchmark, ensureDatabase, median, round, timed } from './lib.js';

// Opening a group space: the first page of posts (pinned first, with their last comments) of a group
// of 100,000 members holding 10,000 posts, as a member sees it, with the real service functions;
// then a page far down (cursor), a post's comments, and a member's feed.
// Runs on PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).
// BENCH_SPACE_MEMBERS and BENCH_SPACE_POSTS make it smaller for a quick check.

const MEMBERS = Number(process.env.BENCH_SPACE_MEMBERS ?? 100_000);
const POSTS = Number(process.env.BENCH_SPACE_POSTS ?? 10_000);
const REPEAT = 20;
const TARGET_MS = 200;
const SLUG = 'bench-space';
const EMAIL = (i: string) => `'bench-space-' || ${i} || '@bench.invalid'`;

const bench: Benchmark = {
  name: 'space',
  description: `open the space of a group of ${MEMBERS.toLocaleString('en')} members and ${POSTS.toLocaleString('en')} posts (PostgreSQL)`,
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const database = await openDatabase({ databaseUrl: url, poolMax: 4 });
    const q = database.query;
    const one = async <T>(text: string, values: unknown[] = []) => oneRow((await q<T>(text, values)).rows, text);
    const loadBefore = loadavg()[0] ?? 0;
    try {
      await migrate(database);
      await q('DELETE FROM organizations WHERE slug = $1', [SLUG]); // a previous run that did not finish

      const seed = await timed(async () => {
        await q(
          `INSERT INTO accounts (email, email_key, name)
           SELECT ${EMAIL('i')}, ${EMAIL('i')}, 'Learner ' || i FROM generate_series(1, $1::int) AS i
           ON CONFLICT (email_key) DO NOTHING`,
          [MEMBERS],
        );
        const org = await one<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('Bench space', $1) RETURNING id`, [SLUG]);
        await q(
          `INSERT INTO memberships (org_id, account_id, role, status)
           SELECT $1, a.id, CASE WHEN i = 1 THEN 'manager_full' ELSE 'learner' END, 'active'
           FROM generate_series(1, $2::int) AS i JOIN accounts a ON a.email_key = ${EMAIL('i')}`,
          [org.id, MEMBERS],
        );
        await q('ANALYZE memberships');
        const group = await one<{ id: string }>(
          `INSERT INTO groups (org_id, name, name_key) VALUES ($1, 'Everyone', 'everyone') RETURNING id`,
          [org.id],
        );
        // Another group of the organization with as many posts: the page must not read them.
        const other = await one<{ id: string }>(
          `INSERT INTO groups (org_id, name, name_key) VALUES ($1, 'Others', 'others') RETURNING id`,
          [org.id],
        );
        await q(
          `INSERT INTO group_members (org_id, group_id, account_id)
           SELECT $1, $2, a.id FROM generate_series(2, $3::int) AS i JOIN accounts a ON a.email_key = ${EMAIL('i')}`,
          [org.id, group.id, MEMBERS],
        );
        const observer = await one<{ id: string }>(`SELECT id FROM accounts WHERE email_key = ${EMAIL('1')}`);
        await q('INSERT INTO group_observers (org_id, group_id, account_id) VALUES ($1, $2, $3)', [org.id, group.id, observer.id]);
        const member = await one<{ id: string }>(`SELECT id FROM accounts WHERE email_key = ${EMAIL('2')}`);
        // Posts over the last POSTS minutes by members spread over the group; two pinned; every tenth has five comments.
        for (const g of [group.id, other.id])
          await q(
            `INSERT INTO posts (org_id, group_id, author_id, body, pinned, created_at)
             SELECT $1, $2, a.id, 'Post number ' || i || ' with a few words of text in it', i IN (17, 4242), now() - (i || ' minutes')::interval
             FROM generate_series(1, $3::int) AS i JOIN accounts a ON a.email_key = ${EMAIL(`(2 + (i * 7919) % ($4::int - 1))`)}`,
            [org.id, g, POSTS, MEMBERS],
          );
        await q(
          `INSERT INTO post_comments (org_id, post_id, author_id, body, created_at)
           SELECT p.org_id, p.id, $3::uuid, 'A comment', p.created_at + (c || ' seconds')::interval
           FROM posts p CROSS JOIN generate_series(1, 5) AS c
           WHERE p.org_id = $1 AND p.group_id = $2 AND p.body LIKE '%0 with%'`,
          [org.id, group.id, member.id],
        );
        await q('VACUUM ANALYZE accounts, memberships, groups, group_members, group_observers, posts, post_comments');
        return { orgId: org.id, groupId: group.id, member: member.id, observer: observer.id };
      });
      const { orgId, groupId, member, observer } = seed.result;
      const ctx = { db: database.db } as unknown as AppContext;
      const space = { kind: 'group' as const, id: groupId };
      const viewer = { id: member, locale: 'en' };

      const runs = async (fn: () => Promise<unknown>) => {
        await fn(); // warm
        const xs: number[] = [];
        for (let i = 0; i < REPEAT; i++) xs.push((await timed(fn)).ms);
        return median(xs);
      };
      const first = await listPosts(ctx, { orgId, space, viewer, limit: 20 });
      if (first.items.length !== 20 || !first.items[0]?.pinned) throw new Error('first page: expected 20 posts, pinned first');
      const firstMs = await runs(() => listPosts(ctx, { orgId, space, viewer, limit: 20 }));
      const observerMs = await runs(() => listPosts(ctx, { orgId, space, viewer: { id: observer, locale: 'en' }, limit: 20 }));
      // A page far down: follow the cursor 50 pages, then time the next one.
      let cursor = first.nextCursor ?? undefined;
      for (let i = 0; i < 50 && cursor; i++)
        cursor = (await listPosts(ctx, { orgId, space, viewer, limit: 20, cursor })).nextCursor ?? undefined;
      const deepMs = await runs(() => listPosts(ctx, { orgId, space, viewer, limit: 20, cursor }));
      const withComments = first.items.find((p) => p.commentCount > 0) ?? first.items[0];
      const commentsMs = await runs(() => listComments(ctx, { orgId, space, postId: withComments?.id ?? '', viewer, limit: 50 }));
      const feedMs = await runs(() => listFeed(ctx, { viewer, limit: 20 }));

      await q('DELETE FROM organizations WHERE id = $1', [orgId]);
      const version = await one<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      return {
        meta: {
          database: `PostgreSQL ${version.v}`,
          machine: { cpus: cpus().length, loadAverage: [round(loadBefore, 1), round(loadavg()[0] ?? 0, 1)] },
          members: MEMBERS,
          posts: POSTS,
          repeat: REPEAT,
        },
        results: [
          { name: 'first_page_member', value: round(firstMs, 1), unit: 'ms', target: `< ${TARGET_MS} ms`, ok: firstMs < TARGET_MS },
          { name: 'first_page_observer', value: round(observerMs, 1), unit: 'ms', target: `< ${TARGET_MS} ms`, ok: observerMs < TARGET_MS },
          { name: 'page_51', value: round(deepMs, 1), unit: 'ms', target: `< ${TARGET_MS} ms`, ok: deepMs < TARGET_MS },
          { name: 'comments_page', value: round(commentsMs, 1), unit: 'ms', target: '' },
          { name: 'member_feed', value: round(feedMs, 1), unit: 'ms', target: `< ${TARGET_MS} ms`, ok: feedMs < TARGET_MS },
          { name: 'seed', value: round(seed.ms), unit: 'ms', target: '' },
        ],
      };
    } finally {
      await database.close();
    }
  },
};

export default bench;
