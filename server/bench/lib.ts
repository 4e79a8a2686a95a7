import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import pg from 'pg';

// Shared by every benchmark: what one returns, and small helpers.

/** One measured figure, printed as a table row and written to results.json. */
export type BenchResult = {
  name: string;
  value: number;
  unit: string;
  /** What the figure should be, for humans (e.g. `< 5000 ms`); empty when it is informative only. */
  target: string;
  /** Whether the target is met; absent when there is no target. */
  ok?: boolean;
};

/** A benchmark: `npm run bench -- <name>` runs it alone; `npm run bench` runs them all. */
export type Benchmark = {
  name: string;
  description: string;
  run(): Promise<{ results: BenchResult[]; meta?: Record<string, unknown> }>;
};

/** Milliseconds taken by `fn`, and its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (i: number) => s[i] ?? Number.NaN;
  return s.length % 2 ? at((s.length - 1) / 2) : (at(s.length / 2 - 1) + at(s.length / 2)) / 2;
};

/** How busy the machine was around a measurement: figures taken above a load of 1.5 on 2 cores are indicative only. */
export const loadNote = (before: number, after: number) =>
  Math.max(before, after) < 1.5
    ? `measured on a quiet machine (load ${before.toFixed(1)} → ${after.toFixed(1)})`
    : `measured on a loaded machine (load ${before.toFixed(1)} → ${after.toFixed(1)}): indicative only`;

export const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Creates the database of a PostgreSQL URL when it does not exist yet (connecting to `postgres` on the same server). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unexpected database name: ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** The p-th percentile (0–100) of `xs`, nearest-rank. */
export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};

const MB = 1024 * 1024;
const readKb = (field: string): number | null => {
  try {
    const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
};

/** `global.gc` without starting Node with --expose-gc (for a steady memory baseline); null when unavailable. */
const gc: (() => void) | null = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
})();

export type MemoryPeak = {
  /** RSS just before `fn` (after a garbage collection when possible), MB. */
  baselineMb: number;
  /** Highest RSS seen by sampling `process.memoryUsage().rss` every 20 ms, MB. */
  sampledPeakMb: number;
  /** The kernel's RSS high-water mark over `fn` (VmHWM after resetting it through /proc/self/clear_refs); null when unavailable. */
  kernelPeakMb: number | null;
  /** The larger of the two peaks (sampling can only miss a peak, never invent one), MB. */
  peakMb: number;
  /** peakMb − baselineMb. */
  deltaMb: number;
  /** Highest V8 heap in use seen by the sampler (objects; part of RSS), and the heap before `fn`, MB. */
  heapUsedPeakMb: number;
  heapUsedBaselineMb: number;
};

/** Wall time and peak process RSS of `fn`. */
export async function timedWithMemory<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T; memory: MemoryPeak }> {
  gc?.();
  const start = process.memoryUsage();
  const baseline = start.rss;
  let heapPeak = start.heapUsed;
  let kernelReset = false;
  try {
    writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
    kernelReset = true;
  } catch {}
  let peak = baseline;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  try {
    const { ms, result } = await timed(fn);
    sample();
    const hwm = kernelReset ? readKb('VmHWM') : null;
    const kernelPeakMb = hwm === null ? null : round(hwm / 1024, 1);
    const peakMb = round(Math.max(peak / MB, kernelPeakMb ?? 0), 1);
    const memory = {
      baselineMb: round(baseline / MB, 1),
      sampledPeakMb: round(peak / MB, 1),
      kernelPeakMb,
      peakMb,
      deltaMb: round(peakMb - baseline / MB, 1),
      heapUsedPeakMb: round(heapPeak / MB, 1),
      heapUsedBaselineMb: round(start.heapUsed / MB, 1),
    };
    return { ms, result, memory };
  } finally {
    clearInterval(timer);
  }
}

export type QueryTrace = { label: string; calls: number; ms: number };

/**
 * Diagnostics only: `rewrite` may ask, for a statement, to run `before` first on the same connection
 * (e.g. an ANALYZE, to test a fix without touching the code), or to run it as EXPLAIN (ANALYZE,
 * BUFFERS) instead (the statement still runs, but the caller then gets no rows back: use it only for
 * statements whose result is not used), or to print the plan the planner chose (`plan`: EXPLAIN
 * without ANALYZE, then the statement runs as usual). Plans go to `onPlan`.
 */
export type TraceOptions = {
  rewrite?: (text: string) => { before?: string; explain?: boolean; plan?: boolean } | undefined;
  onPlan?: (text: string, plan: string) => void;
  /** How many of the latest statements `last` keeps with their parameters (0 by default: they can be large). */
  keepLast?: number;
};

/**
 * Times every statement sent through node-postgres (all pools and clients of this process) while
 * tracing is on: `stop()` returns the time per statement, grouped by the start of its text, slowest
 * first. `last` keeps the most recent statements' text and parameters (to EXPLAIN them), when asked.
 */
export function traceQueries(o: TraceOptions = {}) {
  // biome-ignore lint/suspicious/noExplicitAny: wraps pg's overloaded Client.query, whatever its arguments and result
  const proto = pg.Client.prototype as unknown as { query: (...args: any[]) => any };
  const original = proto.query;
  const byLabel = new Map<string, QueryTrace>();
  const last: { text: string; values: unknown[]; ms: number }[] = [];
  let on = true;
  const labelOf = (text: string) => text.slice(0, 400).replace(/\s+/g, ' ').trim().slice(0, 110);
  /** The statement running now, or the last one finished ("after: …" while JavaScript runs in between). */
  let current = '(before the first statement)';
  const record = (text: string, values: unknown[] | undefined, start: bigint) => {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const label = labelOf(text);
    current = `after: ${label}`;
    const t = byLabel.get(label) ?? { label, calls: 0, ms: 0 };
    t.calls++;
    t.ms += ms;
    byLabel.set(label, t);
    if (o.keepLast) {
      last.push({ text, values: values ?? [], ms });
      if (last.length > o.keepLast) last.shift();
    }
  };
  // biome-ignore lint/suspicious/noExplicitAny: the same overloads: a text, a config object or a Submittable, with or without a callback
  proto.query = function (this: unknown, config: any, values?: any, callback?: any) {
    if (!on || (config && typeof config.submit === 'function')) return original.call(this, config, values, callback);
    const text: string = typeof config === 'string' ? config : (config?.text ?? '');
    const params: unknown[] | undefined = Array.isArray(values) ? values : config?.values;
    const start = process.hrtime.bigint();
    current = labelOf(text);
    if (typeof values === 'function') {
      return original.call(this, config, (err: unknown, res: unknown) => {
        record(text, params, start);
        values(err, res);
      });
    }
    if (typeof callback === 'function') {
      return original.call(this, config, values, (err: unknown, res: unknown) => {
        record(text, params, start);
        callback(err, res);
      });
    }
    const change = o.rewrite?.(text);
    if (change) {
      const run = async () => {
        if (change.before) await original.call(this, change.before);
        if (change.plan && !change.explain) {
          const planned = { ...(typeof config === 'string' ? { text: config } : config), text: `EXPLAIN ${text}`, rowMode: undefined };
          const r = await original.call(this, planned, values);
          o.onPlan?.(text, r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n'));
        }
        if (!change.explain) return original.call(this, config, values);
        const explained = {
          ...(typeof config === 'string' ? { text: config } : config),
          text: `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
          rowMode: undefined,
        };
        const r = await original.call(this, explained, values);
        o.onPlan?.(text, r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n'));
        return { ...r, rows: [], rowCount: 0 };
      };
      return run().then(
        (r) => {
          record(text, params, start);
          return r;
        },
        (e) => {
          record(text, params, start);
          throw e;
        },
      );
    }
    const res = original.call(this, config, values);
    if (res && typeof res.then === 'function') {
      return res.then(
        (r: unknown) => {
          record(text, params, start);
          return r;
        },
        (e: unknown) => {
          record(text, params, start);
          throw e;
        },
      );
    }
    return res;
  };
  return {
    last,
    /** What runs now: the statement's label, or "after: <label>" between statements. */
    get current() {
      return current;
    },
    /** Clears what was recorded so far. */
    reset() {
      byLabel.clear();
      last.length = 0;
    },
    /** The statements recorded since the last reset, slowest total first. */
    summary(): QueryTrace[] {
      return [...byLabel.values()].sort((a, b) => b.ms - a.ms).map((t) => ({ ...t, ms: round(t.ms, 1) }));
    },
    stop() {
      on = false;
      proto.query = original;
    },
  };
}

/**
 * Deletes bench rows of `table` (which has an `id` key) without the per-row foreign-key triggers
 * when nothing outside the deleted set references them: a referencing column without an index
 * (invitations.replaces_id, invitations.account_id, …) makes each deleted row scan that table, which
 * turns deleting 100,000 rows into many minutes. Checks every single-column foreign key that points
 * at `table` first (plus `extraRefs`, references no foreign key declares); when one finds a row, or
 * the table has a trigger not listed in `handledTriggers`, it falls back to a plain DELETE.
 * Returns the number of rows deleted.
 */
export async function deleteBenchRows(
  pool: pg.Pool,
  table: string,
  where: string,
  params: unknown[],
  o: { extraRefs?: { table: string; column: string }[]; handledTriggers?: string[] } = {},
): Promise<number> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`unexpected table name: ${table}`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE bench_doomed ON COMMIT DROP AS SELECT id FROM ${table} WHERE ${where}`, params);
    await client.query(`ANALYZE bench_doomed, ${table}`); // autovacuum is off here: a run that was killed left the table's statistics stale
    const { rows: fks } = await client.query<{ t: string; col: string; ncols: number }>(
      `SELECT c.conrelid::regclass::text AS t, a.attname AS col, cardinality(c.conkey) AS ncols
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND c.confrelid = $1::regclass`,
      [table],
    );
    const { rows: triggers } = await client.query<{ name: string }>(
      `SELECT tgname AS name FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`,
      [table],
    );
    let safe = fks.every((f) => f.ncols === 1) && triggers.every((t) => o.handledTriggers?.includes(t.name));
    for (const ref of safe ? [...fks.map((f) => ({ table: f.t, column: f.col })), ...(o.extraRefs ?? [])] : []) {
      const self = ref.table === table ? `AND NOT EXISTS (SELECT 1 FROM bench_doomed d2 WHERE d2.id = x.id)` : '';
      const { rows } = await client.query(
        `SELECT 1 FROM ${ref.table} x WHERE x.${ref.column} IN (SELECT id FROM bench_doomed) ${self} LIMIT 1`,
      );
      if (rows.length) {
        safe = false;
        break;
      }
    }
    if (safe) await client.query('SET LOCAL session_replication_role = replica');
    const { rowCount } = await client.query(`DELETE FROM ${table} WHERE id IN (SELECT id FROM bench_doomed)`);
    await client.query('COMMIT');
    return rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The commit the measured code comes from, and whether server/src differs from it (figures of uncommitted code). */
export function codeVersion(): { commit: string | null; srcChanged: boolean | null } {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: path.join(import.meta.dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git(['rev-parse', '--short', 'HEAD']), srcChanged: git(['status', '--porcelain', '--', 'src']).length > 0 };
  } catch {
    return { commit: null, srcChanged: null };
  }
}

/** CPU seconds (user + system) so far of one process, and of every PostgreSQL process on this machine (Linux /proc). */
export function cpuSeconds(pid: number): { process: number; processSystem: number; postgres: number } {
  const tick = 100; // USER_HZ
  const of = (p: string) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      return { name, cpu: (Number(f[11]) + Number(f[12])) / tick, system: Number(f[12]) / tick };
    } catch {
      return { name: '', cpu: 0, system: 0 };
    }
  };
  let postgres = 0;
  for (const p of readdirSync('/proc')) if (/^\d+$/.test(p) && of(p).name === 'postgres') postgres += of(p).cpu;
  const own = of(String(pid));
  return { process: own.cpu, processSystem: own.system, postgres };
}
