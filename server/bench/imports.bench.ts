import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { runImport } from '../src/modules/imports/apply.service.js';
import { approveImport } from '../src/modules/imports/imports.service.js';
import { createImport, type ImportMode } from '../src/modules/imports/preview.service.js';
import { closeContext, createContext } from '../src/runtime.js';
import { type Benchmark, type BenchResult, deleteBenchRows, ensureDatabase, type MemoryPeak, type QueryTrace, round, timed, timedWithMemory, traceQueries } from './lib.js';

// A 100,000-learner CSV through the real import services, in both modes, on PostgreSQL:
// preview (createImport: parse, store the rows, validate) and apply (approveImport, then runImport
// called directly instead of through the queue), each with wall time and peak process RSS. The
// rows an apply produced are then exported and loaded again with a plain COPY into empty copies of
// their tables (same keys, indexes and foreign keys) in one transaction: the floor the apply is
// compared with. pg-boss is started (emails are queued) but no worker runs, so nothing is sent.
// Runs on PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).
// A step still running after 10× its target is cancelled (its figure is then the time it was given, MISSED).
// Diagnostics (off by default; the figures of such a run say so in results.json):
//   BENCH_IMPORTS_MODES=invite|create      only one mode
//   BENCH_EXPLAIN=<regex>                  run matching statements as EXPLAIN (ANALYZE, BUFFERS) and print the plans
//                                          (only statements whose result the code does not read)
//   BENCH_ANALYZE_BEFORE=<regex>           run ANALYZE of the import's tables before matching statements (a what-if)

const LEARNERS = 100_000;
const GROUPS = 20;
const PROGRAMS_PER_GROUP = 3;
const TARGET_PREVIEW_MS = 5_000;
const TARGET_APPLY_MS = 15_000;
const TARGET_RSS_MB = 512;
const STEP_LIMIT = 10; // × the target
const APP_NAME = 'troupe-bench-imports';
const SLUG = (mode: ImportMode) => `bench-imports-${mode}`;
const OWNER_EMAIL = 'bench-imp-owner@bench.invalid';
// Every account this benchmark creates has an email key starting with this (cleaned up at the end, and at the start after a failed run).
const PREFIX = 'bench-imp-';
const FIRST = ['Ana', 'Bruno', 'Chloé', 'Dmitri', 'Emma', 'Farid', 'Grace', 'Hugo', 'Inès', 'Jonas', 'Keiko', 'Léa', 'Malik', 'Nora', 'Oscar', 'Paula'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel'];
const groupName = (k: number) => `Group ${String(k).padStart(2, '0')}`;

/** The learners file: one learner a line, each in one of the groups (`shift` changes which). */
function learnersCsv(tag: string, shift: number): Buffer {
  const lines = ['email,first name,last name,groups,role'];
  for (let i = 1; i <= LEARNERS; i++) {
    lines.push(`${PREFIX}${tag}-${i}@bench.invalid,${FIRST[i % FIRST.length]},${LAST[(i * 7) % LAST.length]}-${i},${groupName(((i + shift) % GROUPS) + 1)},learner`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const lit = (id: string) => {
  if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
  return `'${id}'::uuid`;
};

type Step = { ms: number; memory: MemoryPeak; sql: QueryTrace[]; timedOut: boolean };
type Floor = { ms: number; rows: Record<string, number> };

const bench: Benchmark = {
  name: 'imports',
  description: `import ${LEARNERS.toLocaleString('en')} learners from CSV into ${GROUPS} groups × ${PROGRAMS_PER_GROUP} sessions: preview, apply (invite, create), COPY floor (PostgreSQL)`,
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'troupe-bench-imports-'));
    // Server-side COPY writes here as the postgres user (same machine).
    const copyDir = path.join(os.tmpdir(), `troupe-bench-copy-${process.pid}`);
    mkdirSync(copyDir, { recursive: true });
    chmodSync(copyDir, 0o777);
    const appUrl = new URL(url);
    appUrl.searchParams.set('application_name', APP_NAME); // what the watchdog cancels
    const config = loadConfig({ ...process.env, DATABASE_URL: appUrl.toString(), DATA_DIR: dataDir, LOG_LEVEL: 'warn', SMTP_URL: '' });
    const ctx = await createContext(config);
    const pool = ctx.database.pool!;
    const q = <T extends pg.QueryResultRow = any>(text: string, values: unknown[] = []) => pool.query<T>(text, values);
    const one = async <T extends pg.QueryResultRow = any>(text: string, values: unknown[] = []) => (await q<T>(text, values)).rows[0];
    const explain = process.env.BENCH_EXPLAIN ? new RegExp(process.env.BENCH_EXPLAIN) : null;
    const analyzeBefore = process.env.BENCH_ANALYZE_BEFORE ? new RegExp(process.env.BENCH_ANALYZE_BEFORE) : null;
    const modes = (process.env.BENCH_IMPORTS_MODES?.split(',') ?? ['invite', 'create']) as ImportMode[];
    const trace = traceQueries({
      rewrite: (text) => {
        const change = {
          explain: explain?.test(text) || undefined,
          before: analyzeBefore?.test(text) ? 'ANALYZE import_rows, accounts, memberships, group_members, invitations' : undefined,
        };
        return change.explain || change.before ? change : undefined;
      },
      onPlan: (text, plan) => console.log(`\n-- EXPLAIN (ANALYZE, BUFFERS) ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}\n${plan}\n`),
    });
    const importIds: string[] = [];
    const batchIds: string[] = [];
    const loadAtStart = os.loadavg().map((x) => round(x, 2)); // the machine is shared: other work skews the figures
    const { startedAt } = await one<{ startedAt: Date }>('SELECT now() AS "startedAt"');
    /** Runs a step with its wall time and memory; cancels its statements after `limitMs`. */
    const step = async (name: string, limitMs: number, fn: () => Promise<unknown>): Promise<Step> => {
      trace.reset();
      let timedOut = false;
      const watchdog = setInterval(() => {
        timedOut = true;
        void pool
          .query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND pid <> pg_backend_pid()`, [APP_NAME])
          .catch(() => {});
      }, limitMs);
      let out: Step;
      try {
        const r = await timedWithMemory(fn);
        out = { ms: r.ms, memory: r.memory, sql: trace.summary(), timedOut };
      } catch (err) {
        if (!timedOut) throw err;
        out = { ms: limitMs, memory: { baselineMb: 0, sampledPeakMb: 0, kernelPeakMb: null, peakMb: 0, deltaMb: 0, heapUsedPeakMb: 0, heapUsedBaselineMb: 0 }, sql: trace.summary(), timedOut };
      } finally {
        clearInterval(watchdog);
      }
      const sqlMs = out.sql.reduce((t, x) => t + x.ms, 0);
      console.log(
        `${name}: ${out.timedOut ? `CANCELLED after ${round(limitMs / 1000)} s` : `${round(out.ms)} ms`}, peak RSS ${out.memory.peakMb} MB (+${out.memory.deltaMb} MB; V8 heap ${out.memory.heapUsedBaselineMb} → ${out.memory.heapUsedPeakMb} MB), SQL ${round(sqlMs)} ms`,
      );
      for (const t of out.sql.slice(0, 10)) console.log(`  ${String(round(t.ms)).padStart(7)} ms ×${String(t.calls).padEnd(4)} ${t.label}`);
      return out;
    };
    try {
      await cleanUp(ctx);

      const owner = await one<{ id: string; email: string; name: string }>(
        `INSERT INTO accounts (email, email_key, name) VALUES ($1, $1, 'Bench imports owner') RETURNING id, email, name`,
        [OWNER_EMAIL],
      );
      const actor = { id: owner.id, email: owner.email, name: owner.name, locale: 'en', role: 'owner', ip: '127.0.0.1' };

      // Both files are made before anything is measured: they are part of every baseline.
      const tag = Date.now().toString(36);
      const files: Record<ImportMode, Buffer> = { invite: learnersCsv(`${tag}-i`, 0), create: learnersCsv(`${tag}-c`, 7) };

      const steps: Record<string, Step> = {};
      const floors: Record<string, Floor> = {};
      const seeds: Record<string, number> = {};
      for (const mode of modes) {
        const seed = await timed(() => seedOrg(ctx, mode, owner.id));
        seeds[mode] = round(seed.ms);
        const orgId = seed.result;

        let importId = '';
        steps[`preview_${mode}`] = await step(`preview ${mode}`, STEP_LIMIT * TARGET_PREVIEW_MS, async () => {
          importId = await createImport(ctx, { actor, orgId, mode, input: { kind: 'file', bytes: files[mode], fileName: 'learners.csv' }, createMissingGroups: false });
        });
        if (!importId) continue;
        importIds.push(importId);
        const { counts } = await one<{ counts: { rows: number; valid: number } }>('SELECT counts FROM imports WHERE id = $1', [importId]);
        if (counts.rows !== LEARNERS || counts.valid !== LEARNERS) throw new Error(`${mode} preview counted ${JSON.stringify(counts)}`);

        steps[`apply_${mode}`] = await step(`apply ${mode}`, STEP_LIMIT * TARGET_APPLY_MS, async () => {
          await approveImport(ctx, { actor, orgId, importId });
          await runImport(ctx, { importId });
        });
        if (steps[`apply_${mode}`].timedOut) continue;
        const done = await one<{ status: string; result: Record<string, number> }>('SELECT status, result FROM imports WHERE id = $1', [importId]);
        const expected = mode === 'create' ? 'created' : 'invited';
        if (done.status !== 'done' || done.result?.[expected] !== LEARNERS) throw new Error(`${mode} apply ended ${done.status} with ${JSON.stringify(done.result)}`);
        batchIds.push(...(await q<{ b: string }>('SELECT DISTINCT batch_id AS b FROM emails WHERE org_id = $1 AND batch_id IS NOT NULL', [orgId])).rows.map((r) => r.b));

        const O = lit(orgId);
        const I = lit(importId);
        const created = `SELECT account_id FROM import_rows WHERE import_id = ${I} AND result = 'created'`;
        const tables =
          mode === 'create'
            ? [
                { table: 'accounts', select: `SELECT * FROM accounts WHERE id IN (${created})` },
                { table: 'memberships', select: `SELECT * FROM memberships WHERE org_id = ${O} AND account_id IN (${created})` },
                { table: 'group_members', select: `SELECT * FROM group_members WHERE org_id = ${O}` },
                { table: 'enrolments', select: `SELECT * FROM enrolments WHERE org_id = ${O}` },
                { table: 'auth_tokens', select: `SELECT * FROM auth_tokens WHERE account_id IN (${created})` },
                { table: 'emails', select: `SELECT * FROM emails WHERE org_id = ${O}` },
              ]
            : [
                { table: 'invitations', select: `SELECT * FROM invitations WHERE org_id = ${O}` },
                { table: 'invitation_tokens', select: `SELECT * FROM invitation_tokens WHERE invitation_id IN (SELECT id FROM invitations WHERE org_id = ${O})` },
                { table: 'emails', select: `SELECT * FROM emails WHERE org_id = ${O}` },
              ];
        floors[mode] = await copyFloor(pool, copyDir, `${mode}-`, tables);
        console.log(`COPY floor ${mode}: ${round(floors[mode].ms)} ms for ${JSON.stringify(floors[mode].rows)}`);
      }

      await cleanUp(ctx, { startedAt, importIds, batchIds });
      const version = await one<{ v: string }>(`SELECT current_setting('server_version') AS v`);

      const results: BenchResult[] = [];
      const timeRow = (name: string, s: Step, target: number): BenchResult =>
        s.timedOut
          ? { name, value: round(s.ms), unit: 'ms', target: `< ${target} ms (cancelled at ${STEP_LIMIT}× the target)`, ok: false }
          : { name, value: round(s.ms), unit: 'ms', target: `< ${target} ms`, ok: s.ms < target };
      const memoryRows = (name: string, s: Step): BenchResult[] =>
        s.timedOut
          ? []
          : [
              { name: `${name}_peak_rss`, value: s.memory.peakMb, unit: 'MB', target: `< ${TARGET_RSS_MB} MB`, ok: s.memory.peakMb < TARGET_RSS_MB },
              { name: `${name}_rss_over_baseline`, value: s.memory.deltaMb, unit: 'MB', target: '' },
            ];
      for (const mode of modes) {
        const p = steps[`preview_${mode}`];
        const a = steps[`apply_${mode}`];
        const f = floors[mode];
        if (p) results.push(timeRow(`preview_${mode}_100k`, p, TARGET_PREVIEW_MS), ...memoryRows(`preview_${mode}`, p));
        if (a) results.push(timeRow(`apply_${mode}_100k`, a, TARGET_APPLY_MS), ...memoryRows(`apply_${mode}`, a));
        if (a && f) {
          const rows = Object.values(f.rows).reduce((s, n) => s + n, 0);
          results.push(
            { name: `copy_floor_${mode}`, value: round(f.ms), unit: 'ms', target: `floor: COPY of ${rows.toLocaleString('en')} rows` },
            { name: `apply_vs_copy_${mode}`, value: round(a.ms / f.ms, 2), unit: '×', target: '' },
          );
        }
      }
      return {
        meta: {
          database: `PostgreSQL ${version.v}`,
          ...(explain || analyzeBefore || modes.length < 2
            ? { diagnostics: { explain: process.env.BENCH_EXPLAIN ?? null, analyzeBefore: process.env.BENCH_ANALYZE_BEFORE ?? null, modes } }
            : {}),
          timedOut: Object.entries(steps).filter(([, s]) => s.timedOut).map(([k]) => k),
          learners: LEARNERS,
          loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((x) => round(x, 2)) },
          groups: GROUPS,
          sessionsPerGroup: PROGRAMS_PER_GROUP,
          csvBytes: { invite: files.invite.length, create: files.create.length },
          seedMs: seeds,
          memoryMb: Object.fromEntries(Object.entries(steps).map(([k, s]) => [k, s.memory])),
          copyFloorRows: Object.fromEntries(Object.entries(floors).map(([k, f]) => [k, f.rows])),
          // Where the time goes: the statements of each step (grouped by the start of their text), slowest first.
          sqlByStep: Object.fromEntries(
            Object.entries(steps).map(([k, s]) => {
              const sqlMs = s.sql.reduce((t, x) => t + x.ms, 0);
              return [k, { totalMs: round(s.ms), sqlMs: round(sqlMs), outsideSqlMs: round(s.ms - sqlMs), top: s.sql.slice(0, 12) }];
            }),
          ),
        },
        results,
      };
    } finally {
      trace.stop();
      await cleanUp(ctx, { startedAt, importIds, batchIds }).catch((err) => console.error('clean-up failed:', err));
      await closeContext(ctx);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(copyDir, { recursive: true, force: true });
    }
  },
};

/** An organization with an owner, GROUPS groups, and PROGRAMS_PER_GROUP programs per group with one open session each, attached to it. */
async function seedOrg(ctx: AppContext, mode: ImportMode, ownerId: string): Promise<string> {
  const q = (text: string, values: unknown[]) => ctx.database.query(text, values);
  const {
    rows: [org],
  } = await q(`INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id`, [`Bench imports (${mode})`, SLUG(mode)]);
  await q(`INSERT INTO memberships (org_id, account_id, role, status) VALUES ($1, $2, 'owner', 'active')`, [org.id, ownerId]);
  await q(
    `INSERT INTO groups (org_id, name, name_key) SELECT $1, 'Group ' || lpad(g::text, 2, '0'), 'group ' || lpad(g::text, 2, '0') FROM generate_series(1, $2::int) g`,
    [org.id, GROUPS],
  );
  await q(
    `INSERT INTO programs (org_id, title) SELECT $1, 'Group ' || lpad(g::text, 2, '0') || ' / program ' || p FROM generate_series(1, $2::int) g, generate_series(1, $3::int) p`,
    [org.id, GROUPS, PROGRAMS_PER_GROUP],
  );
  await q(`INSERT INTO program_sessions (org_id, program_id, opens_at) SELECT $1, id, now() - interval '1 day' FROM programs WHERE org_id = $1`, [org.id]);
  await q(
    `INSERT INTO assignments (org_id, group_id, session_id)
     SELECT $1, g.id, s.id FROM program_sessions s JOIN programs p ON p.id = s.program_id JOIN groups g ON g.org_id = $1 AND g.name = split_part(p.title, ' / ', 1)
     WHERE s.org_id = $1`,
    [org.id],
  );
  const { rows } = await q(`SELECT count(*)::int AS n FROM assignments WHERE org_id = $1`, [org.id]);
  if (rows[0].n !== GROUPS * PROGRAMS_PER_GROUP) throw new Error(`seeded ${rows[0].n} assignments`);
  await ctx.database.exec('ANALYZE organizations, groups, programs, program_sessions, assignments');
  return org.id;
}

/**
 * Exports the rows the apply produced with server-side COPY … TO, makes empty copies of their tables
 * (LIKE … INCLUDING ALL, plus the originals' foreign keys, pointing at the copies when the referenced
 * table is copied too), and times COPY … FROM of all of them in one transaction. Drops the copies and files.
 */
async function copyFloor(pool: pg.Pool, dir: string, prefix: string, tables: { table: string; select: string }[]): Promise<Floor> {
  const copyName = (t: string) => `bench_copy_${t}`;
  const copied = new Set(tables.map((t) => t.table));
  const file = (t: string) => path.join(dir, `${prefix}${t}.copy`);
  try {
    for (const t of tables) {
      await pool.query(`DROP TABLE IF EXISTS ${copyName(t.table)} CASCADE`);
      await pool.query(`COPY (${t.select}) TO '${file(t.table)}'`);
      await pool.query(`CREATE TABLE ${copyName(t.table)} (LIKE ${t.table} INCLUDING ALL)`);
    }
    for (const t of tables) {
      const { rows: fks } = await pool.query<{ name: string; def: string }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' AND conrelid = $1::regclass ORDER BY conname`,
        [t.table],
      );
      for (const fk of fks) {
        const def = fk.def.replace(/REFERENCES (\w+)\(/, (m, ref: string) => (copied.has(ref) ? `REFERENCES ${copyName(ref)}(` : m));
        await pool.query(`ALTER TABLE ${copyName(t.table)} ADD CONSTRAINT ${`bc_${fk.name}`.slice(0, 63)} ${def}`);
      }
    }
    await pool.query(`VACUUM ANALYZE ${tables.map((t) => copyName(t.table)).join(', ')}`);
    const client = await pool.connect();
    const rows: Record<string, number> = {};
    try {
      const { ms } = await timed(async () => {
        await client.query('BEGIN');
        for (const t of tables) rows[t.table] = (await client.query(`COPY ${copyName(t.table)} FROM '${file(t.table)}'`)).rowCount ?? 0;
        await client.query('COMMIT');
      });
      return { ms, rows };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  } finally {
    for (const t of [...tables].reverse()) await pool.query(`DROP TABLE IF EXISTS ${copyName(t.table)} CASCADE`).catch(() => {});
    for (const t of tables) rmSync(file(t.table), { force: true });
  }
}

/**
 * Removes what this benchmark made: its organizations (invitations first, see deleteBenchRows), the
 * accounts it created, and the jobs it queued (never worked). Also run first, after a failed run.
 */
async function cleanUp(ctx: AppContext, o: { startedAt?: Date; importIds?: string[]; batchIds?: string[] } = {}): Promise<void> {
  const pool = ctx.database.pool!;
  const { rows: orgs } = await pool.query<{ id: string }>(`SELECT id FROM organizations WHERE slug = ANY($1)`, [[SLUG('invite'), SLUG('create')]]);
  for (const org of orgs) {
    await pool.query(`DELETE FROM invitation_tokens t USING invitations i WHERE i.id = t.invitation_id AND i.org_id = $1`, [org.id]);
    await deleteBenchRows(pool, 'invitations', 'org_id = $1', [org.id]);
    await pool.query(`DELETE FROM organizations WHERE id = $1`, [org.id]);
  }
  const range = `email_key >= '${PREFIX}' AND email_key < '${PREFIX.slice(0, -1)}.'`; // every key starting with PREFIX
  await pool.query(`DELETE FROM auth_tokens WHERE account_id IN (SELECT id FROM accounts WHERE ${range})`);
  await deleteBenchRows(pool, 'accounts', range, [], {
    extraRefs: [{ table: 'enrolments', column: 'account_id' }],
    handledTriggers: ['accounts_deleted_enrolments'],
  });
  if (o.importIds?.length || o.batchIds?.length) {
    await pool.query(
      `DELETE FROM ${ctx.config.jobs.schema}.job WHERE (name = 'imports.run' AND data->>'importId' = ANY($1)) OR (name = 'email.batch' AND data->>'batchId' = ANY($2))`,
      [o.importIds ?? [], o.batchIds ?? []],
    );
  }
  if (o.startedAt) {
    // The sweeper's cron (scheduled by createContext) queued these while no worker ran.
    await pool.query(`DELETE FROM ${ctx.config.jobs.schema}.job WHERE name IN ('imports.sweep', '__pgboss__send-it') AND created_on >= $1`, [o.startedAt]);
  }
}

export default bench;
