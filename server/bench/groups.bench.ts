import { cpus, loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import type { JobQueue } from '../src/jobs/queue.js';
import { systemClock } from '../src/lib/clock.js';
import { attachSession, detachSession } from '../src/modules/groups/assignments.service.js';
import { addAccountsToGroups } from '../src/modules/groups/group-membership.service.js';
import { type Benchmark, ensureDatabase, median, round, timed } from './lib.js';
import { one as oneRow } from '../src/lib/rows.js';

// Attaching a session to a group of 100,000 members, with the real service function, against a
// plain INSERT … SELECT of the same enrolment rows into the same table (the database's floor).
// Runs on PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).

const MEMBERS = 100_000;
const JOINERS = 10_000;
const REPEAT = 3;
const TARGET_MS = 5_000;
const SLUG = 'bench-groups';
const EMAIL = (i: string) => `'bench-learner-' || ${i} || '@bench.invalid'`;

const bench: Benchmark = {
  name: 'groups',
  description: `attach a session to a group of ${MEMBERS.toLocaleString('en')} members (PostgreSQL)`,
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

      // Seed: a pool of learner accounts (kept between runs), one organization, one group of MEMBERS.
      const seed = await timed(async () => {
        await q(
          `INSERT INTO accounts (email, email_key, name)
           SELECT ${EMAIL('i')}, ${EMAIL('i')}, 'Learner ' || i FROM generate_series(1, $1::int) AS i
           ON CONFLICT (email_key) DO NOTHING`,
          [MEMBERS + JOINERS],
        );
        const owner = await one<{ id: string; email: string }>(
          `INSERT INTO accounts (email, email_key, name) VALUES ('bench-owner@bench.invalid', 'bench-owner@bench.invalid', 'Bench owner')
           ON CONFLICT (email_key) DO UPDATE SET name = EXCLUDED.name RETURNING id, email`,
        );
        const org = await one<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('Bench groups', $1) RETURNING id`, [SLUG]);
        await q(`INSERT INTO memberships (org_id, account_id, role, status) VALUES ($1, $2, 'owner', 'active')`, [org.id, owner.id]);
        await q(
          `INSERT INTO memberships (org_id, account_id, role, status)
           SELECT $1, a.id, 'learner', 'active' FROM generate_series(1, $2::int) AS i JOIN accounts a ON a.email_key = ${EMAIL('i')}`,
          [org.id, MEMBERS + JOINERS],
        );
        // The foreign-key check of every group_members row below is planned from memberships' statistics:
        // stale ones (autovacuum is off here) make it scan instead of probe (measured: 162 s instead of 8 s).
        await q('ANALYZE memberships');
        const group = await one<{ id: string }>(
          `INSERT INTO groups (org_id, name, name_key) VALUES ($1, 'Everyone', 'everyone') RETURNING id`,
          [org.id],
        );
        await q(
          `INSERT INTO group_members (org_id, group_id, account_id)
           SELECT $1, $2, a.id FROM generate_series(1, $3::int) AS i JOIN accounts a ON a.email_key = ${EMAIL('i')}`,
          [org.id, group.id, MEMBERS],
        );
        const program = await one<{ id: string }>(`INSERT INTO programs (org_id, title) VALUES ($1, 'Bench program') RETURNING id`, [
          org.id,
        ]);
        const sessions = (
          await q<{ id: string }>(
            `INSERT INTO program_sessions (org_id, program_id, opens_at) SELECT $1, $2, now() - interval '1 day' FROM generate_series(1, $3::int) RETURNING id`,
            [org.id, program.id, 2 * REPEAT],
          )
        ).rows.map((r) => r.id);
        // Steady state, as autovacuum keeps it: statistics fresh, no dead rows left by a previous run.
        await q('VACUUM ANALYZE accounts, memberships, groups, group_members, programs, program_sessions, assignments, enrolments');
        return { owner, orgId: org.id, groupId: group.id, sessions };
      });
      const { owner, orgId, groupId, sessions } = seed.result;
      // No webhook endpoint listens here: the enrolment events queue nothing, so no job queue is needed.
      const jobs = {} as JobQueue;
      const ctx = { db: database.db, clock: systemClock, jobs };
      const actor = { id: owner.id, email: owner.email };

      // Alternate the two measurements so neither gets a warmer cache.
      const attach: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const a = await timed(() => attachSession(ctx, { actor, orgId, groupId, sessionId: sessions[i]! })); // i < REPEAT < sessions.length
        if (a.result.enrolled !== MEMBERS) throw new Error(`attach enrolled ${a.result.enrolled}, expected ${MEMBERS}`);
        attach.push(a.ms);
        const f = await timed(() =>
          database.db.transaction(async (tx) =>
            tx.execute(sql`INSERT INTO enrolments (org_id, session_id, account_id, updated_at)
              SELECT ${orgId}, ${sessions[REPEAT + i]}, gm.account_id, now() FROM group_members gm WHERE gm.org_id = ${orgId} AND gm.group_id = ${groupId}`),
          ),
        );
        floor.push(f.ms);
        await q('ANALYZE enrolments'); // what autovacuum does after 200,000 new rows
      }

      // Joining: JOINERS more members join the group, which has REPEAT sessions attached.
      const joinerIds = (
        await q<{ id: string }>(`SELECT a.id FROM generate_series($1::int, $2::int) AS i JOIN accounts a ON a.email_key = ${EMAIL('i')}`, [
          MEMBERS + 1,
          MEMBERS + JOINERS,
        ])
      ).rows.map((r) => r.id);
      const join = await timed(() =>
        database.db.transaction((tx) =>
          addAccountsToGroups(tx, { orgId, groupIds: [groupId], accountIds: joinerIds, now: new Date(), jobs }),
        ),
      );
      if (join.result !== JOINERS) throw new Error(`join added ${join.result}, expected ${JOINERS}`);

      // Detaching one session: MEMBERS + JOINERS not-started enrolments to prune.
      const [detached = ''] = sessions;
      const detach = await timed(() => detachSession(ctx, { actor, orgId, groupId, sessionId: detached }));
      const { n: left } = await one<{ n: number }>('SELECT count(*)::int AS n FROM enrolments WHERE session_id = $1', [detached]);
      if (left !== 0) throw new Error(`detach left ${left} enrolments`);

      await q('DELETE FROM organizations WHERE id = $1', [orgId]);
      const version = await one<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      const attachMs = median(attach);
      const floorMs = median(floor);
      return {
        meta: {
          database: `PostgreSQL ${version.v}`,
          // Other work on the machine skews the figures: the 1-minute load average, before and after, on this many CPUs.
          machine: { cpus: cpus().length, loadAverage: [round(loadBefore, 1), round(loadavg()[0] ?? 0, 1)] },
          members: MEMBERS,
          repeat: REPEAT,
          attachRunsMs: attach.map((x) => round(x)),
          floorRunsMs: floor.map((x) => round(x)),
        },
        results: [
          { name: 'attach_session_100k', value: round(attachMs), unit: 'ms', target: `< ${TARGET_MS} ms`, ok: attachMs < TARGET_MS },
          { name: 'insert_select_floor_100k', value: round(floorMs), unit: 'ms', target: 'floor (plain INSERT … SELECT)' },
          { name: 'attach_vs_floor', value: round(attachMs / floorMs, 2), unit: '×', target: '' },
          { name: 'join_10k_members_3_sessions', value: round(join.ms), unit: 'ms', target: '' },
          { name: 'detach_session_110k', value: round(detach.ms), unit: 'ms', target: '' },
          { name: 'seed_100k', value: round(seed.ms), unit: 'ms', target: '' },
        ],
      };
    } finally {
      await database.close();
    }
  },
};

export default bench;
