import { fork } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { runImport } from '../src/modules/imports/apply.service.js';
import { approveImport } from '../src/modules/imports/imports.service.js';
import { createImport, type ImportMode } from '../src/modules/imports/preview.service.js';
import { closeContext, createContext } from '../src/runtime.js';
import {
  type Benchmark,
  type BenchResult,
  codeVersion,
  deleteBenchRows,
  ensureDatabase,
  type MemoryPeak,
  type QueryTrace,
  round,
  timed,
  timedWithMemory,
  traceQueries,
} from './lib.js';
import { one as oneRow } from '../src/lib/rows.js';

// A 100,000-learner CSV through the real import services, in both modes, on PostgreSQL:
// preview (createImport: parse, store the rows, validate) and apply (approveImport, then runImport
// called directly instead of through the queue), each with wall time and peak process RSS. The
// rows an apply produced are then exported and loaded again with a plain COPY, in one transaction,
// into empty copies of their tables (LIKE … INCLUDING ALL: keys, indexes, checks): the floor the
// apply is compared with (apply_vs_copy); and once more with the originals' foreign keys added,
// which the apply pays too (apply_vs_copy_fk). pg-boss is started (emails are queued) but no worker
// runs, so nothing is sent.
// Runs on PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).
//
// Each measured step runs in a process of its own (this file, forked), as in production the web
// process previews and a worker applies: its peak RSS is not inflated by what an earlier step left
// in the heap. The baseline (RSS before the step) holds the loaded modules, the started context
// and, for a preview, the file. A step still running after 10× its target is cancelled (its figure
// is then the time it was given, MISSED).
//
// The database is put in the steady state autovacuum would keep (it is off on this machine): VACUUM
// ANALYZE before each mode. As in production, import_rows then already holds earlier imports, whose
// statistics say nothing about the new import's rows: a 10,000-row past import (organization
// bench-imports-history) is seeded for the first mode; the second mode also sees the first one's rows.
// BENCH_IMPORTS_HISTORY=0 measures the very first import instead (import_rows empty, no statistics;
// each mode's organization is removed before the next mode).
// Diagnostics (off by default; the figures of such a run say so in results.json):
//   BENCH_IMPORTS_MODES=invite|create      only one mode
//   BENCH_IMPORTS_HISTORY=0                the first import ever (see above)
//   BENCH_EXPLAIN=<regex>                  run matching statements as EXPLAIN (ANALYZE, BUFFERS) and print the plans
//                                          (only statements whose result the code does not read)
//   BENCH_PLAN=<regex>                     print the plan chosen for matching statements (EXPLAIN without ANALYZE), then run them
//   BENCH_ANALYZE_BEFORE=<regex>           run ANALYZE of the import's tables before matching statements (a what-if)
//   BENCH_CPU_PROF=<folder>                write V8 CPU profiles of each step's process (node --cpu-prof) in <folder>/<step>-<mode>/

/** Rows of the file: 100,000 (`imports`) or the advertised limit, 1,000,000 (`imports-1m`); children inherit it. */
const LEARNERS = Number(process.env.BENCH_IMPORTS_ROWS ?? 100_000);
const SIZE = LEARNERS >= 1_000_000 ? `${LEARNERS / 1_000_000}m` : `${LEARNERS / 1000}k`;
const GROUPS = 20;
const PROGRAMS_PER_GROUP = 3;
const TARGET_PREVIEW_MS = LEARNERS >= 1_000_000 ? 30_000 : 5_000;
/** 15 s for 100,000 rows; for more, what counts is the ratio to COPY of the same rows. */
const TARGET_APPLY_MS = LEARNERS >= 1_000_000 ? 300_000 : 15_000;
const TARGET_VS_COPY_FK = 1.5;
const TARGET_RSS_MB = 512;
const STEP_LIMIT = 10; // × the target
const APP_NAME = 'troupe-bench-imports';
const SLUG = (mode: ImportMode | 'history') => `bench-imports-${mode}`;
const HISTORY_ROWS = 10_000;
// What the import reads and writes, vacuumed and analyzed before each mode.
const TOUCHED =
  'accounts, memberships, groups, group_members, programs, program_sessions, assignments, enrolments, invitations, invitation_tokens, emails, auth_tokens, imports, import_rows';
const OWNER_EMAIL = 'bench-imp-owner@bench.invalid';
// Every account this benchmark creates has an email key starting with this (cleaned up at the end, and at the start after a failed run).
const PREFIX = 'bench-imp-';
const FIRST = [
  'Ana',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Emma',
  'Farid',
  'Grace',
  'Hugo',
  'Inès',
  'Jonas',
  'Keiko',
  'Léa',
  'Malik',
  'Nora',
  'Oscar',
  'Paula',
];
const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefebvre',
  'Michel',
];
const groupName = (k: number) => `Group ${String(k).padStart(2, '0')}`;
const JOBS_SCHEMA = process.env.JOBS_SCHEMA || 'pgboss';
if (!/^[a-z_][a-z0-9_]*$/.test(JOBS_SCHEMA)) throw new Error(`unexpected JOBS_SCHEMA: ${JOBS_SCHEMA}`);

/** The learners file: one learner a line, each in one of the groups (`shift` changes which). */
function learnersCsv(tag: string, shift: number): Buffer {
  const lines = ['email,first name,last name,groups,role'];
  for (let i = 1; i <= LEARNERS; i++) {
    lines.push(
      `${PREFIX}${tag}-${i}@bench.invalid,${FIRST[i % FIRST.length]},${LAST[(i * 7) % LAST.length]}-${i},${groupName(((i + shift) % GROUPS) + 1)},learner`,
    );
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const lit = (id: string) => {
  if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
  return `'${id}'::uuid`;
};

type Actor = { id: string; email: string; name: string; locale: string; role: string; ip: string };
/** memoryByPhase: the highest RSS and V8 heap seen while each statement ran, or after it ("after: …", JavaScript), top 8. */
type Phase = { phase: string; rssMb: number; heapMb: number };
type Step = { ms: number; memory: MemoryPeak | null; sql: QueryTrace[]; timedOut: boolean; memoryByPhase: Phase[] };
/** A COPY floor: total time, and rows and milliseconds per table. */
type Copy = { ms: number; rows: Record<string, number>; msByTable: Record<string, number> };
/** plain: copies made with LIKE … INCLUDING ALL (keys, indexes, checks); withForeignKeys: the same plus the originals' foreign keys. */
type Floor = { plain: Copy; withForeignKeys: Copy };
/** What a child process is asked to measure. */
type Task = {
  kind: 'preview' | 'apply';
  mode: ImportMode;
  url: string;
  dataDir: string;
  orgId: string;
  actor: Actor;
  tag: string;
  shift: number;
  importId?: string;
};
type Answer = { ok: true; step: Step; importId?: string } | { ok: false; error: string };

const bench: Benchmark = {
  name: LEARNERS === 100_000 ? 'imports' : `imports-${SIZE}`,
  description: `import ${LEARNERS.toLocaleString('en')} learners from CSV into ${GROUPS} groups × ${PROGRAMS_PER_GROUP} sessions: preview, apply (invite, create), COPY floor (PostgreSQL)`,
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'troupe-bench-imports-'));
    // Server-side COPY writes here as the postgres user (same machine).
    const copyDir = path.join(os.tmpdir(), `troupe-bench-copy-${process.pid}`);
    mkdirSync(copyDir, { recursive: true });
    chmodSync(copyDir, 0o777);
    const database = await openDatabase({ databaseUrl: url, poolMax: 4 });
    const pool = database.pool!;
    const q = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => pool.query<T>(text, values);
    const one = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => oneRow((await q<T>(text, values)).rows, text);
    const modes = (process.env.BENCH_IMPORTS_MODES?.split(',') ?? ['invite', 'create']) as ImportMode[];
    const history = process.env.BENCH_IMPORTS_HISTORY !== '0';
    const importIds: string[] = [];
    const batchIds: string[] = [];
    const loadAtStart = os.loadavg().map((x) => round(x, 2)); // the machine is shared: other work skews the figures
    const { startedAt } = await one<{ startedAt: Date }>('SELECT now() AS "startedAt"');
    try {
      await migrate(database);
      await cleanUp(pool);
      if (history) await seedHistory(pool);

      const owner = await one<{ id: string; email: string; name: string }>(
        `INSERT INTO accounts (email, email_key, name) VALUES ($1, $1, 'Bench imports owner') RETURNING id, email, name`,
        [OWNER_EMAIL],
      );
      const actor: Actor = { id: owner.id, email: owner.email, name: owner.name, locale: 'en', role: 'owner', ip: '127.0.0.1' };
      const tag = Date.now().toString(36);

      const steps: Record<string, Step> = {};
      const floors: Record<string, Floor> = {};
      const seeds: Record<string, number> = {};
      for (const mode of modes) {
        const seed = await timed(() => seedOrg(pool, mode, owner.id));
        seeds[mode] = round(seed.ms);
        const orgId = seed.result;
        await database.exec(`VACUUM ANALYZE ${TOUCHED}`);
        const task: Task = {
          kind: 'preview',
          mode,
          url,
          dataDir,
          orgId,
          actor,
          tag: `${tag}-${mode[0]}`,
          shift: mode === 'invite' ? 0 : 7,
        };

        // Every measured step (and each COPY floor) starts with no dirty pages left by the one before.
        const checkpoint = () => pool.query('CHECKPOINT').catch(() => {});
        await checkpoint();
        const preview = await inChild(task);
        steps[`preview_${mode}`] = preview.step;
        if (!preview.importId) continue;
        const importId = preview.importId;
        importIds.push(importId);
        const { counts } = await one<{ counts: { rows: number; valid: number } }>('SELECT counts FROM imports WHERE id = $1', [importId]);
        if (counts.rows !== LEARNERS || counts.valid !== LEARNERS) throw new Error(`${mode} preview counted ${JSON.stringify(counts)}`);

        await checkpoint();
        const apply = await inChild({ ...task, kind: 'apply', importId });
        steps[`apply_${mode}`] = apply.step;
        if (apply.step.timedOut) continue;
        const done = await one<{ status: string; result: Record<string, number> }>('SELECT status, result FROM imports WHERE id = $1', [
          importId,
        ]);
        const expected = mode === 'create' ? 'created' : 'invited';
        if (done.status !== 'done' || done.result?.[expected] !== LEARNERS)
          throw new Error(`${mode} apply ended ${done.status} with ${JSON.stringify(done.result)}`);
        batchIds.push(
          ...(
            await q<{ b: string }>('SELECT DISTINCT batch_id AS b FROM emails WHERE org_id = $1 AND batch_id IS NOT NULL', [orgId])
          ).rows.map((r) => r.b),
        );

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
                {
                  table: 'invitation_tokens',
                  select: `SELECT * FROM invitation_tokens WHERE invitation_id IN (SELECT id FROM invitations WHERE org_id = ${O})`,
                },
                { table: 'emails', select: `SELECT * FROM emails WHERE org_id = ${O}` },
              ];
        // The export below reads what the apply wrote; autovacuum is off here, so statistics first (not measured).
        await database.exec(`ANALYZE ${TOUCHED}`);
        floors[mode] = await copyFloor(pool, copyDir, `${mode}-`, tables);
        const fl = floors[mode];
        console.log(
          `COPY floor ${mode}: ${round(fl.plain.ms)} ms (with foreign keys ${round(fl.withForeignKeys.ms)} ms) for ${JSON.stringify(fl.plain.rows)}`,
        );
        console.log(
          `  ms by table: ${JSON.stringify(fl.plain.msByTable)}; with foreign keys: ${JSON.stringify(fl.withForeignKeys.msByTable)}`,
        );
        if (!history) await dropOrgs(pool, [SLUG(mode)]); // the next mode is a first import too
      }

      await cleanUp(pool, { startedAt, importIds, batchIds });
      const version = await one<{ v: string }>(`SELECT current_setting('server_version') AS v`);

      const results: BenchResult[] = [];
      const timeRow = (name: string, s: Step, target: number): BenchResult =>
        s.timedOut
          ? { name, value: round(s.ms), unit: 'ms', target: `< ${target} ms (cancelled at ${STEP_LIMIT}× the target)`, ok: false }
          : { name, value: round(s.ms), unit: 'ms', target: `< ${target} ms`, ok: s.ms < target };
      const memoryRows = (name: string, s: Step): BenchResult[] =>
        s.memory
          ? [
              {
                name: `${name}_peak_rss`,
                value: s.memory.peakMb,
                unit: 'MB',
                target: `< ${TARGET_RSS_MB} MB`,
                ok: s.memory.peakMb < TARGET_RSS_MB,
              },
              { name: `${name}_rss_over_baseline`, value: s.memory.deltaMb, unit: 'MB', target: `baseline ${s.memory.baselineMb} MB` },
            ]
          : [];
      for (const mode of modes) {
        const p = steps[`preview_${mode}`];
        const a = steps[`apply_${mode}`];
        const f = floors[mode];
        if (p) results.push(timeRow(`preview_${mode}_${SIZE}`, p, TARGET_PREVIEW_MS), ...memoryRows(`preview_${mode}`, p));
        if (a) results.push(timeRow(`apply_${mode}_${SIZE}`, a, TARGET_APPLY_MS), ...memoryRows(`apply_${mode}`, a));
        if (a && f) {
          const rows = Object.values(f.plain.rows).reduce((s, n) => s + n, 0);
          results.push(
            {
              name: `copy_floor_${mode}`,
              value: round(f.plain.ms),
              unit: 'ms',
              target: `floor: COPY of ${rows.toLocaleString('en')} rows`,
            },
            { name: `apply_vs_copy_${mode}`, value: round(a.ms / f.plain.ms, 2), unit: '×', target: '' },
            { name: `copy_floor_fk_${mode}`, value: round(f.withForeignKeys.ms), unit: 'ms', target: 'the same with foreign keys' },
            {
              name: `apply_vs_copy_fk_${mode}`,
              value: round(a.ms / f.withForeignKeys.ms, 2),
              unit: '×',
              target: `≤ ${TARGET_VS_COPY_FK}×`,
              ok: a.ms / f.withForeignKeys.ms <= TARGET_VS_COPY_FK,
            },
          );
        }
      }
      return {
        meta: {
          database: `PostgreSQL ${version.v}`,
          code: codeVersion(),
          machine: { cpus: os.cpus().length, loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((x) => round(x, 2)) } },
          importRowsHistory: history ? `${HISTORY_ROWS} rows of a past import, plus each earlier mode's` : 'none (first import)',
          ...(process.env.BENCH_EXPLAIN || process.env.BENCH_PLAN || process.env.BENCH_ANALYZE_BEFORE || modes.length < 2 || !history
            ? {
                diagnostics: {
                  explain: process.env.BENCH_EXPLAIN ?? null,
                  plan: process.env.BENCH_PLAN ?? null,
                  analyzeBefore: process.env.BENCH_ANALYZE_BEFORE ?? null,
                  modes,
                  history,
                },
              }
            : {}),
          timedOut: Object.entries(steps)
            .filter(([, s]) => s.timedOut)
            .map(([k]) => k),
          learners: LEARNERS,
          groups: GROUPS,
          sessionsPerGroup: PROGRAMS_PER_GROUP,
          seedMs: seeds,
          memoryMb: Object.fromEntries(Object.entries(steps).map(([k, s]) => [k, s.memory])),
          copyFloor: floors,
          // Where the time goes: the statements of each step (grouped by the start of their text), slowest first.
          sqlByStep: Object.fromEntries(
            Object.entries(steps).map(([k, s]) => {
              const sqlMs = s.sql.reduce((t, x) => t + x.ms, 0);
              return [
                k,
                {
                  totalMs: round(s.ms),
                  sqlMs: round(sqlMs),
                  outsideSqlMs: round(s.ms - sqlMs),
                  top: s.sql.slice(0, 12),
                  memoryByPhase: s.memoryByPhase,
                },
              ];
            }),
          ),
        },
        results,
      };
    } finally {
      await cleanUp(pool, { startedAt, importIds, batchIds }).catch((err) => console.error('clean-up failed:', err));
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(copyDir, { recursive: true, force: true });
    }
  },
};

/** Runs a task in a child process (this file) and returns its answer. */
function inChild(task: Task): Promise<{ step: Step; importId?: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      // tsx's loader; a CPU profile on demand
      execArgv: [
        ...process.execArgv,
        ...(process.env.BENCH_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROF, `${task.kind}-${task.mode}`)}`]
          : []),
      ],
      env: { ...process.env, BENCH_IMPORTS_TASK: JSON.stringify(task) },
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    let answer: Answer | undefined;
    child.on('message', (m) => {
      answer = m as Answer;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!answer) reject(new Error(`${task.kind} ${task.mode}: the child process ended (${code ?? signal}) without an answer`));
      else if (!answer.ok) reject(new Error(`${task.kind} ${task.mode} failed: ${answer.error}`));
      else resolve({ step: answer.step, importId: answer.importId });
    });
  });
}

/** In the child: one measured step with a context of its own; statements cancelled after 10× the target. */
async function childMain(task: Task): Promise<Answer> {
  const appUrl = new URL(task.url);
  appUrl.searchParams.set('application_name', APP_NAME); // what the watchdog cancels
  const config = loadConfig({ ...process.env, DATABASE_URL: appUrl.toString(), DATA_DIR: task.dataDir, LOG_LEVEL: 'warn', SMTP_URL: '' });
  const ctx = await createContext(config);
  const explain = process.env.BENCH_EXPLAIN ? new RegExp(process.env.BENCH_EXPLAIN) : null;
  const analyzeBefore = process.env.BENCH_ANALYZE_BEFORE ? new RegExp(process.env.BENCH_ANALYZE_BEFORE) : null;
  const plan = process.env.BENCH_PLAN ? new RegExp(process.env.BENCH_PLAN) : null;
  const trace = traceQueries({
    rewrite: (text) => {
      const change = {
        explain: explain?.test(text) || undefined,
        plan: plan?.test(text) || undefined,
        before: analyzeBefore?.test(text) ? 'ANALYZE import_rows, accounts, memberships, group_members, invitations' : undefined,
      };
      return change.explain || change.plan || change.before ? change : undefined;
    },
    onPlan: (text, p) =>
      console.log(
        `\n-- EXPLAIN${explain?.test(text) ? ' (ANALYZE, BUFFERS)' : ''} ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}\n${p}\n`,
      ),
  });
  try {
    const limitMs = STEP_LIMIT * (task.kind === 'preview' ? TARGET_PREVIEW_MS : TARGET_APPLY_MS);
    const bytes = task.kind === 'preview' ? learnersCsv(task.tag, task.shift) : null; // made before the baseline
    let importId = task.importId;
    const fn =
      task.kind === 'preview'
        ? async () => {
            importId = await createImport(ctx, {
              actor: task.actor,
              orgId: task.orgId,
              mode: task.mode,
              input: { kind: 'file', bytes: bytes!, fileName: 'learners.csv' },
              createMissingGroups: false,
            });
          }
        : async () => {
            await approveImport(ctx, { actor: task.actor, orgId: task.orgId, importId: importId! });
            await runImport(ctx, { importId: importId! });
          };
    trace.reset();
    const phases = new Map<string, Phase>();
    const phaseSampler = setInterval(() => {
      const m = process.memoryUsage();
      const p = phases.get(trace.current) ?? { phase: trace.current, rssMb: 0, heapMb: 0 };
      p.rssMb = Math.max(p.rssMb, round(m.rss / 1048576));
      p.heapMb = Math.max(p.heapMb, round(m.heapUsed / 1048576));
      phases.set(trace.current, p);
    }, 20);
    const memoryByPhase = () => [...phases.values()].sort((a, b) => b.rssMb - a.rssMb).slice(0, 8);
    let timedOut = false;
    const watchdog = setInterval(() => {
      timedOut = true;
      void ctx.database
        .pool!.query(
          `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
          [APP_NAME],
        )
        .catch(() => {});
    }, limitMs);
    let step: Step;
    try {
      const r = await timedWithMemory(fn);
      step = { ms: r.ms, memory: r.memory, sql: trace.summary(), timedOut, memoryByPhase: memoryByPhase() };
    } catch (err) {
      if (!timedOut) throw err;
      step = { ms: limitMs, memory: null, sql: trace.summary(), timedOut, memoryByPhase: memoryByPhase() };
      importId = task.kind === 'preview' ? undefined : importId;
    } finally {
      clearInterval(watchdog);
      clearInterval(phaseSampler);
    }
    const sqlMs = step.sql.reduce((t, x) => t + x.ms, 0);
    const m = step.memory;
    console.log(
      `${task.kind} ${task.mode}: ${step.timedOut ? `CANCELLED after ${round(limitMs / 1000)} s` : `${round(step.ms)} ms`}` +
        (m
          ? `, peak RSS ${m.peakMb} MB (baseline ${m.baselineMb} MB, +${m.deltaMb} MB; V8 heap ${m.heapUsedBaselineMb} → ${m.heapUsedPeakMb} MB)`
          : '') +
        `, SQL ${round(sqlMs)} ms`,
    );
    for (const t of step.sql.slice(0, 10)) console.log(`  ${String(round(t.ms)).padStart(7)} ms ×${String(t.calls).padEnd(4)} ${t.label}`);
    console.log('  memory by phase (highest RSS / V8 heap seen while it ran):');
    for (const p of step.memoryByPhase.slice(0, 5))
      console.log(`  ${String(p.rssMb).padStart(7)} MB ${String(p.heapMb).padStart(5)} MB  ${p.phase.slice(0, 110)}`);
    return { ok: true, step, importId };
  } finally {
    trace.stop();
    await closeContext(ctx);
  }
}

if (process.env.BENCH_IMPORTS_TASK && process.send) {
  const task = JSON.parse(process.env.BENCH_IMPORTS_TASK) as Task;
  childMain(task)
    .catch((err): Answer => ({ ok: false, error: String((err as Error)?.stack ?? err) }))
    .then((answer) => process.send!(answer, () => process.exit(0)));
}

/** A finished past import of HISTORY_ROWS rows in its own organization: what import_rows holds in production before a new import. */
async function seedHistory(pool: pg.Pool): Promise<void> {
  const {
    rows: [org],
  } = await pool.query(`INSERT INTO organizations (name, slug) VALUES ('Bench imports (history)', $1) RETURNING id`, [SLUG('history')]);
  const {
    rows: [imp],
  } = await pool.query(
    `INSERT INTO imports (org_id, mode, status, source, file_name, finished_at) VALUES ($1, 'invite', 'done', 'file', 'past.csv', now()) RETURNING id`,
    [org.id],
  );
  await pool.query(
    `INSERT INTO import_rows (import_id, line, email, email_key, first_name, last_name, group_names, role_text, role, outcome, result)
     SELECT $1, i + 1, e, e, 'Past', 'Learner ' || i, ARRAY['Group 01'], 'learner', 'learner', 'valid', 'invited'
     FROM generate_series(1, $2::int) i, LATERAL (SELECT 'bench-imp-history-' || i || '@bench.invalid' AS e) x`,
    [imp.id, HISTORY_ROWS],
  );
}

/** An organization with an owner, GROUPS groups, and PROGRAMS_PER_GROUP programs per group with one open session each, attached to it. */
async function seedOrg(pool: pg.Pool, mode: ImportMode, ownerId: string): Promise<string> {
  const q = (text: string, values: unknown[]) => pool.query(text, values);
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
  await q(
    `INSERT INTO program_sessions (org_id, program_id, opens_at) SELECT $1, id, now() - interval '1 day' FROM programs WHERE org_id = $1`,
    [org.id],
  );
  await q(
    `INSERT INTO assignments (org_id, group_id, session_id)
     SELECT $1, g.id, s.id FROM program_sessions s JOIN programs p ON p.id = s.program_id JOIN groups g ON g.org_id = $1 AND g.name = split_part(p.title, ' / ', 1)
     WHERE s.org_id = $1`,
    [org.id],
  );
  const { rows } = await q(`SELECT count(*)::int AS n FROM assignments WHERE org_id = $1`, [org.id]);
  if (rows[0].n !== GROUPS * PROGRAMS_PER_GROUP) throw new Error(`seeded ${rows[0].n} assignments`);
  return org.id;
}

/**
 * Exports the rows the apply produced with server-side COPY … TO, then twice makes empty copies of
 * their tables with CREATE TABLE … (LIKE … INCLUDING ALL) and times COPY … FROM of all of them in one
 * transaction: first as they are (keys, indexes, checks), then with the originals' foreign keys added
 * too (pointing at the copies when the referenced table is copied as well), which the apply also pays.
 * Drops the copies and files.
 */
async function copyFloor(pool: pg.Pool, dir: string, prefix: string, tables: { table: string; select: string }[]): Promise<Floor> {
  const copyName = (t: string) => `bench_copy_${t}`;
  const copied = new Set(tables.map((t) => t.table));
  const file = (t: string) => path.join(dir, `${prefix}${t}.copy`);
  const drop = async () => {
    for (const t of [...tables].reverse()) await pool.query(`DROP TABLE IF EXISTS ${copyName(t.table)} CASCADE`);
  };
  const once = async (foreignKeys: boolean): Promise<Copy> => {
    await drop();
    for (const t of tables) await pool.query(`CREATE TABLE ${copyName(t.table)} (LIKE ${t.table} INCLUDING ALL)`);
    if (foreignKeys) {
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
    }
    await pool.query(`VACUUM ANALYZE ${tables.map((t) => copyName(t.table)).join(', ')}`);
    await pool.query('CHECKPOINT').catch(() => {}); // each variant starts with no dirty pages left by the one before
    const client = await pool.connect();
    const rows: Record<string, number> = {};
    const msByTable: Record<string, number> = {};
    try {
      const { ms } = await timed(async () => {
        await client.query('BEGIN');
        for (const t of tables) {
          const one = await timed(() => client.query(`COPY ${copyName(t.table)} FROM '${file(t.table)}'`));
          rows[t.table] = one.result.rowCount ?? 0;
          msByTable[t.table] = round(one.ms);
        }
        await client.query('COMMIT');
      });
      return { ms, rows, msByTable };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
  try {
    for (const t of tables) await pool.query(`COPY (${t.select}) TO '${file(t.table)}'`);
    const plain = await once(false);
    const withForeignKeys = await once(true);
    return { plain, withForeignKeys };
  } finally {
    await drop().catch(() => {});
    for (const t of tables) rmSync(file(t.table), { force: true });
  }
}

/** Deletes organizations (their invitations first, see deleteBenchRows). */
async function dropOrgs(pool: pg.Pool, slugs: string[]): Promise<void> {
  const { rows: orgs } = await pool.query<{ id: string }>(`SELECT id FROM organizations WHERE slug = ANY($1)`, [slugs]);
  for (const org of orgs) {
    await pool.query(`DELETE FROM invitation_tokens t USING invitations i WHERE i.id = t.invitation_id AND i.org_id = $1`, [org.id]);
    await deleteBenchRows(pool, 'invitations', 'org_id = $1', [org.id]);
    await pool.query(`DELETE FROM organizations WHERE id = $1`, [org.id]);
  }
}

/**
 * Removes what this benchmark made: its organizations, the accounts it created, and the jobs it
 * queued (never worked) or that the sweeper's cron queued meanwhile. Also run first, after a failed run.
 */
async function cleanUp(pool: pg.Pool, o: { startedAt?: Date; importIds?: string[]; batchIds?: string[] } = {}): Promise<void> {
  await dropOrgs(pool, [SLUG('invite'), SLUG('create'), SLUG('history')]);
  const range = `email_key >= '${PREFIX}' AND email_key < '${PREFIX.slice(0, -1)}.'`; // every key starting with PREFIX
  await pool.query(`DELETE FROM auth_tokens WHERE account_id IN (SELECT id FROM accounts WHERE ${range})`);
  await deleteBenchRows(pool, 'accounts', range, [], {
    extraRefs: [{ table: 'enrolments', column: 'account_id' }],
    handledTriggers: ['accounts_deleted_enrolments'],
  });
  const { rows } = await pool.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`${JOBS_SCHEMA}.job`]);
  if (!rows[0].ok) return;
  if (o.importIds?.length || o.batchIds?.length) {
    await pool.query(
      `DELETE FROM ${JOBS_SCHEMA}.job WHERE (name = 'imports.run' AND data->>'importId' = ANY($1)) OR (name = 'email.batch' AND data->>'batchId' = ANY($2))`,
      [o.importIds ?? [], o.batchIds ?? []],
    );
  }
  if (o.startedAt)
    await pool.query(`DELETE FROM ${JOBS_SCHEMA}.job WHERE name IN ('imports.sweep', '__pgboss__send-it') AND created_on >= $1`, [
      o.startedAt,
    ]);
}

export default bench;
