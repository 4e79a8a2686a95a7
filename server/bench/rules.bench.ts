import { cpus, loadavg } from 'node:os';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import type { JobQueue } from '../src/jobs/queue.js';
import { one as oneRow } from '../src/lib/rows.js';
import { setFieldValuesBulk } from '../src/modules/profile-fields/fields.service.js';
import { applyRule } from '../src/modules/profile-fields/rules.service.js';
import { type Benchmark, ensureDatabase, loadNote, median, percentile, round, timed } from './lib.js';

// Issue 15, groups that fill themselves (PostgreSQL):
// 1. a rule evaluated on 100,000 members that adds 50,000 people to its group and removes 10,000
//    (with the enrolments of the group's open session following), target < 5 s;
// 2. one person's field changed with 50 rule-based groups reading it, re-evaluated, p95 < 50 ms.
// DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).
// BENCH_RULES_MEMBERS makes the organization smaller (a quick check that the benchmark works).

const MEMBERS = Number(process.env.BENCH_RULES_MEMBERS ?? 100_000);
const GROUPS = 50;
const CHANGES = 40;
const SLUG = 'bench-rules';
const EMAIL = (i: string) => `'bench-rules-' || ${i} || '@bench.invalid'`;
// No webhook endpoint listens in this organization: the queue is never called.
const jobs = {} as JobQueue;

const bench: Benchmark = {
  name: 'rules',
  description: `membership rules on ${MEMBERS.toLocaleString('en')} members (PostgreSQL)`,
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const database = await openDatabase({ databaseUrl: url, poolMax: 4 });
    const q = database.query;
    const one = async <T>(text: string, values: unknown[] = []) => oneRow((await q<T>(text, values)).rows, text);
    const loadBefore = loadavg()[0] ?? 0;
    try {
      await migrate(database);
      await q('DELETE FROM organizations WHERE slug = $1', [SLUG]);
      const seed = await timed(async () => {
        await q(
          `INSERT INTO accounts (email, email_key, name) SELECT ${EMAIL('i')}, ${EMAIL('i')}, 'Learner ' || i FROM generate_series(1, $1::int) AS i
           ON CONFLICT (email_key) DO NOTHING`,
          [MEMBERS],
        );
        const org = await one<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('Bench rules', $1) RETURNING id`, [SLUG]);
        await q(
          `INSERT INTO memberships (org_id, account_id, role, status)
           SELECT $1, a.id, 'learner', 'active' FROM generate_series(1, $2::int) AS i JOIN accounts a ON a.email_key = ${EMAIL('i')}`,
          [org.id, MEMBERS],
        );
        const teams = Array.from({ length: GROUPS }, (_, i) => `Team ${i + 1}`);
        const dept = await one<{ id: string }>(
          `INSERT INTO profile_fields (org_id, key, label_en, type, options) VALUES ($1, 'department', 'Department', 'choice', '{Sales,Support}') RETURNING id`,
          [org.id],
        );
        const team = await one<{ id: string }>(
          `INSERT INTO profile_fields (org_id, key, label_en, type, options) VALUES ($1, 'team', 'Team', 'choice', $2::text[]) RETURNING id`,
          [org.id, teams],
        );
        // Half in Sales, half in Support; everyone in one of 50 teams.
        await q(
          `INSERT INTO member_field_values (org_id, field_id, account_id, value_text, value_key)
           SELECT $1, $2, m.account_id, v, lower(v) FROM (
             SELECT account_id, CASE WHEN row_number() OVER (ORDER BY account_id) % 2 = 0 THEN 'Sales' ELSE 'Support' END AS v
             FROM memberships WHERE org_id = $1) m`,
          [org.id, dept.id],
        );
        await q(
          `INSERT INTO member_field_values (org_id, field_id, account_id, value_text, value_key)
           SELECT $1, $2, m.account_id, 'Team ' || (n % ${GROUPS} + 1), 'team ' || (n % ${GROUPS} + 1)
           FROM (SELECT account_id, row_number() OVER (ORDER BY account_id) AS n FROM memberships WHERE org_id = $1) m`,
          [org.id, team.id],
        );
        // The big group: 10,000 members today who are in Support (the rule will remove them).
        const big = await one<{ id: string }>(`INSERT INTO groups (org_id, name, name_key) VALUES ($1, 'Sales', 'sales') RETURNING id`, [
          org.id,
        ]);
        await q(
          `INSERT INTO group_members (org_id, group_id, account_id)
           SELECT $1, $2, v.account_id FROM member_field_values v WHERE v.field_id = $3 AND v.value_key = 'support' LIMIT $4`,
          [org.id, big.id, dept.id, Math.round(MEMBERS / 10)],
        );
        const program = await one<{ id: string }>(`INSERT INTO programs (org_id, title) VALUES ($1, 'Selling') RETURNING id`, [org.id]);
        const session = await one<{ id: string }>(
          `INSERT INTO program_sessions (org_id, program_id, opens_at) VALUES ($1, $2, now() - interval '1 day') RETURNING id`,
          [org.id, program.id],
        );
        await q(`INSERT INTO assignments (org_id, group_id, session_id) VALUES ($1, $2, $3)`, [org.id, big.id, session.id]);
        await q(
          `INSERT INTO group_rules (group_id, org_id, match, conditions, field_keys)
           VALUES ($1, $2, 'all', '[{"field":"department","op":"eq","value":"Sales"}]', '{department}')`,
          [big.id, org.id],
        );
        // 50 team groups, each already in line with its rule.
        for (const name of teams) {
          const g = await one<{ id: string }>(`INSERT INTO groups (org_id, name, name_key) VALUES ($1, $2, lower($2)) RETURNING id`, [
            org.id,
            name,
          ]);
          await q(`INSERT INTO group_rules (group_id, org_id, match, conditions, field_keys) VALUES ($1, $2, 'all', $3::jsonb, '{team}')`, [
            g.id,
            org.id,
            JSON.stringify([{ field: 'team', op: 'eq', value: name }]),
          ]);
          await q(
            `INSERT INTO group_members (org_id, group_id, account_id) SELECT $1, $2, account_id FROM member_field_values WHERE field_id = $3 AND value_key = $4`,
            [org.id, g.id, team.id, name.toLowerCase()],
          );
        }
        await q('VACUUM ANALYZE accounts, memberships, groups, group_members, member_field_values, group_rules, enrolments');
        return { orgId: org.id, groupId: big.id };
      });
      const { orgId, groupId } = seed.result;

      const apply = await timed(() => database.db.transaction((tx) => applyRule(tx, { orgId, groupId, now: new Date(), jobs })));
      const expected = { added: MEMBERS / 2, removed: Math.round(MEMBERS / 10) };
      if (apply.result.added !== expected.added || apply.result.removed !== expected.removed)
        throw new Error(`rule: added ${apply.result.added}, removed ${apply.result.removed}; expected ${JSON.stringify(expected)}`);
      const enrolled = await one<{ n: number }>(`SELECT count(*)::int AS n FROM enrolments WHERE org_id = $1`, [orgId]);
      const again = await timed(() => database.db.transaction((tx) => applyRule(tx, { orgId, groupId, now: new Date(), jobs })));

      const people = (
        await q<{ id: string }>(`SELECT account_id AS id FROM memberships WHERE org_id = $1 ORDER BY random() LIMIT $2`, [orgId, CHANGES])
      ).rows;
      const changes: number[] = [];
      let moved = 0;
      for (const [i, p] of people.entries()) {
        const r = await timed(() =>
          database.db.transaction((tx) =>
            setFieldValuesBulk(tx, {
              orgId,
              rows: [{ accountId: p.id, fields: { team: `Team ${(i % GROUPS) + 1}` } }],
              now: new Date(),
              jobs,
            }),
          ),
        );
        changes.push(r.ms);
        moved += r.result.added;
      }
      if (!process.env.BENCH_KEEP) await q('DELETE FROM organizations WHERE id = $1', [orgId]);
      const version = await one<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      const p95 = percentile(changes, 95);
      return {
        meta: {
          database: `PostgreSQL ${version.v}`,
          machine: { cpus: cpus().length, loadAverage: [round(loadBefore, 1), round(loadavg()[0] ?? 0, 1)] },
          members: MEMBERS,
          ruleGroups: GROUPS,
          apply: apply.result,
          enrolmentsCreated: enrolled.n,
          fieldChanges: CHANGES,
          fieldChangesThatMoved: moved,
          fieldChangeRunsMs: changes.map((x) => round(x, 1)),
          note: loadNote(loadBefore, loadavg()[0] ?? 0),
        },
        results: [
          { name: 'apply_rule_100k', value: round(apply.ms), unit: 'ms', target: '< 5000 ms', ok: apply.ms < 5000 },
          { name: 'apply_rule_again_no_change', value: round(again.ms), unit: 'ms', target: '' },
          { name: 'field_change_p95', value: round(p95, 1), unit: 'ms', target: '< 50 ms', ok: p95 < 50 },
          { name: 'field_change_median', value: round(median(changes), 1), unit: 'ms', target: '' },
          { name: 'seed', value: round(seed.ms), unit: 'ms', target: '' },
        ],
      };
    } finally {
      await database.close();
    }
  },
};

export default bench;
