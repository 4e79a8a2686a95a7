import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { startSmtpSink } from '../test/smtp-sink.js';
import { loadConfig } from '../src/config.js';
import { queueEmailsFrom } from '../src/mail/outbox.js';
import { closeContext, createContext } from '../src/runtime.js';
import { type Benchmark, codeVersion, ensureDatabase, round } from './lib.js';

// Invitation emails from commit to the SMTP server's acceptance: worker processes (ROLE=worker, as in
// production) send to an smtp-server sink on loopback in this process. Messages per second with one
// and two workers, and the time for the 100,000 invitations of an import to all be `pending`.
// Runs on PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).

// Smaller runs on a busy machine: BENCH_MAIL_MESSAGES, BENCH_MAIL_IMPORT.
const THROUGHPUT = Number(process.env.BENCH_MAIL_MESSAGES ?? 20_000);
const IMPORT = Number(process.env.BENCH_MAIL_IMPORT ?? 100_000);
const SLUG = 'bench-mail';
const POOL = Number(process.env.MAIL_POOL_CONNECTIONS ?? 10);

function startWorkers(n: number, env: Record<string, string>): ChildProcess[] {
  return Array.from({ length: n }, () =>
    // BENCH_WORKER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the workers.
    spawn(
      process.execPath,
      [
        ...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        '--import',
        'tsx',
        path.join(import.meta.dirname, '../src/main.ts'),
      ],
      {
        env: {
          ...process.env,
          ROLE: 'worker',
          DATA_DIR: mkdtempSync(path.join(tmpdir(), 'troupe-bench-worker-')),
          LOG_LEVEL: 'error',
          MAIL_POOL_CONNECTIONS: String(POOL),
          ...env,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    ),
  );
}
const stopWorkers = (ws: ChildProcess[]) =>
  Promise.all(
    ws.map(
      (w) =>
        new Promise((r) => {
          w.once('exit', r);
          w.kill('SIGTERM');
        }),
    ),
  );

const bench: Benchmark = {
  name: 'mail',
  description: `invitation emails to an SMTP sink on loopback: messages/s with 1 and 2 workers, ${IMPORT.toLocaleString('en')} invitations to pending`,
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const sink = await startSmtpSink();
    const schema = `bench_jobs_${process.pid}`;
    const config = { ...loadConfig({ ...process.env, DATABASE_URL: url, SMTP_URL: sink.url, JOBS_SCHEMA: schema }) };
    const ctx = await createContext(config);
    const q = ctx.database.query;
    const one = async <T>(text: string, values: unknown[] = []) => (await q<T>(text, values)).rows[0] as T;
    const loadBefore = loadavg()[0] ?? 0;
    const env = { DATABASE_URL: url, SMTP_URL: sink.url, JOBS_SCHEMA: schema };
    try {
      await q('DELETE FROM organizations WHERE slug = $1', [SLUG]);
      const org = await one<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('Bench mail', $1) RETURNING id`, [SLUG]);
      /** Queues `n` invitations (prospect) and their emails in one transaction, as an import does; resolves at commit. */
      const queueInvitations = (n: number, tag: string) =>
        ctx.db.transaction((tx) =>
          queueEmailsFrom(tx, ctx.jobs, {
            ctes: sql`inv AS (
              INSERT INTO invitations (org_id, kind, email, email_key)
              SELECT ${org.id}::uuid, 'email', e, e FROM (SELECT 'bench-' || ${tag}::text || '-' || i || '@bench.invalid' AS e
                FROM generate_series(1, ${n}::int) AS i) s
              RETURNING id, email)`,
            select: sql`SELECT ${org.id}::uuid, inv.id, inv.email, 'invitation', 'en',
              jsonb_build_object('token', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'orgName', 'Bench mail', 'inviterName', 'Bench',
                'email', inv.email, 'message', NULL, 'groupNames', '[]'::jsonb) FROM inv`,
          }),
        );
      const waitSink = async (count: number) => {
        while (sink.received.length < count) await new Promise((r) => setTimeout(r, 20));
        return sink.received[count - 1]?.at ?? Date.now();
      };
      const rates: number[] = [];
      for (const workers of [1, 2]) {
        const ws = startWorkers(workers, env);
        await new Promise((r) => setTimeout(r, 8000)); // started and idle
        const before = sink.received.length;
        const committed = Date.now();
        await queueInvitations(THROUGHPUT, `w${workers}-${Date.now()}`);
        const last = await waitSink(before + THROUGHPUT);
        rates.push(THROUGHPUT / ((last - committed) / 1000));
        console.log(`  ${workers} worker(s): ${round(rates.at(-1) ?? 0)} messages/s`);
        await stopWorkers(ws);
      }
      // The 100,000 invitations of an import, one worker: commit → every one pending.
      const ws = startWorkers(1, env);
      await new Promise((r) => setTimeout(r, 8000));
      const committed = Date.now();
      await queueInvitations(IMPORT, `import-${Date.now()}`);
      for (;;) {
        const left = await one<{ n: number }>(`SELECT count(*)::int AS n FROM invitations WHERE org_id = $1 AND status = 'prospect'`, [
          org.id,
        ]);
        if (left.n === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const importSeconds = (Date.now() - committed) / 1000;
      console.log(`  ${IMPORT} invitations pending after ${round(importSeconds, 1)} s`);
      await stopWorkers(ws);
      return {
        meta: {
          ...codeVersion(),
          machine: { cpus: cpus().length, loadAverage: [round(loadBefore, 1), round(loadavg()[0] ?? 0, 1)] },
          smtpPoolConnections: POOL,
          messagesPerThroughputRun: THROUGHPUT,
          importInvitations: IMPORT,
        },
        results: [
          { name: 'messagesPerSecond1Worker', value: round(rates[0] ?? 0), unit: 'msg/s', target: '>= 1000', ok: (rates[0] ?? 0) >= 1000 },
          { name: 'messagesPerSecond2Workers', value: round(rates[1] ?? 0), unit: 'msg/s', target: '' },
          IMPORT === 100_000
            ? { name: 'import100kAllPending', value: round(importSeconds, 1), unit: 's', target: '< 120', ok: importSeconds < 120 }
            : { name: `import${IMPORT}AllPending`, value: round(importSeconds, 1), unit: 's', target: '' },
        ],
      };
    } finally {
      await q('DELETE FROM organizations WHERE slug = $1', [SLUG]).catch(() => {});
      await q(`DELETE FROM emails WHERE to_address LIKE 'bench-%@bench.invalid'`).catch(() => {});
      await q(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await closeContext(ctx);
      await sink.close();
    }
  },
};

export default bench;
