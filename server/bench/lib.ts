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
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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
