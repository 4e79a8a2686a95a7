import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { recordEvent } from '../src/modules/webhooks/events.service.js';
import { encryptSecret, newWebhookSecret } from '../src/modules/webhooks/secrets.js';
import { closeContext, createContext } from '../src/runtime.js';
import { type Benchmark, codeVersion, ensureDatabase, percentile, round } from './lib.js';

// Webhook deliveries from commit to a receiver on loopback, sent by worker processes (ROLE=worker, as
// in production): deliveries per second (ENDPOINTS endpoints, each delivered in order, one at a
// time), and the delay from commit to delivery when the queue is idle (p95 of single events).
// Runs on PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).

// Smaller runs on a busy machine: BENCH_WEBHOOK_DELIVERIES, BENCH_WEBHOOK_SAMPLES.
const DELIVERIES = Number(process.env.BENCH_WEBHOOK_DELIVERIES ?? 20_000);
const SAMPLES = Number(process.env.BENCH_WEBHOOK_SAMPLES ?? 100);
const ENDPOINTS = Number(process.env.BENCH_WEBHOOK_ENDPOINTS ?? 8);
const WORKERS = Number(process.env.BENCH_WEBHOOK_WORKERS ?? 2);
const SLUG = 'bench-webhooks';

/** A receiver that answers 200 at once and notes when each message arrived. */
async function startReceiver() {
  const arrived: number[] = [];
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrived.push(performance.timeOrigin + performance.now());
      count++;
      res.writeHead(200);
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrived,
    count: () => count,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function startWorkers(n: number, env: Record<string, string>): ChildProcess[] {
  return Array.from({ length: n }, () =>
    spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../src/main.ts')], {
      env: {
        ...process.env,
        ROLE: 'worker',
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'troupe-bench-worker-')),
        LOG_LEVEL: 'error',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
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
  name: 'webhooks',
  description: `webhook deliveries to a receiver on loopback: deliveries/s for ${DELIVERIES.toLocaleString('en')} deliveries over ${ENDPOINTS} endpoints with ${WORKERS} workers, commit-to-delivery p95 when idle`,
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const rx = await startReceiver();
    const schema = `bench_jobs_${process.pid}`;
    const sessionSecret = randomBytes(24).toString('hex');
    const env = { DATABASE_URL: url, JOBS_SCHEMA: schema, SESSION_SECRET: sessionSecret, WEBHOOKS_ALLOW_PRIVATE: 'true' };
    const config = loadConfig({ ...process.env, ...env, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'troupe-bench-')) });
    const ctx = await createContext(config);
    const q = ctx.database.query;
    const loadBefore = loadavg()[0] ?? 0;
    let ws: ChildProcess[] = [];
    try {
      await q('DELETE FROM organizations WHERE slug = $1', [SLUG]);
      const org = (await q<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('Bench webhooks', $1) RETURNING id`, [SLUG]))
        .rows[0];
      if (!org) throw new Error('organization not created');
      for (let i = 0; i < ENDPOINTS; i++)
        await q(`INSERT INTO webhook_endpoints (org_id, url, events, secret_enc) VALUES ($1, $2, $3, $4)`, [
          org.id,
          `${rx.url}?endpoint=${i}`,
          ['member.updated'],
          encryptSecret(newWebhookSecret(), sessionSecret),
        ]);
      const record = (n: number) =>
        ctx.db.transaction(async (tx) => {
          for (let i = 0; i < n; i++) await recordEvent(tx, ctx.jobs, org.id, 'member.updated', { accountId: org.id, changes: { n: i } });
        });
      const waitFor = async (count: number) => {
        while (rx.count() < count) await new Promise((r) => setTimeout(r, 10));
      };

      ws = startWorkers(WORKERS, env);
      await new Promise((r) => setTimeout(r, 8000)); // started and idle

      // Idle: one event at a time, commit → arrival at the receiver (the first of its endpoints' deliveries).
      const delays: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const before = rx.count();
        let committed = 0;
        await record(1).then(() => {
          committed = performance.timeOrigin + performance.now();
        });
        await waitFor(before + ENDPOINTS);
        const firstArrival = Math.min(...rx.arrived.slice(before, before + ENDPOINTS));
        delays.push(Math.max(0, firstArrival - committed));
        await new Promise((r) => setTimeout(r, 100));
      }
      const p95 = percentile(delays, 95);
      console.log(`  idle commit-to-delivery: p50 ${round(percentile(delays, 50))} ms, p95 ${round(p95)} ms`);

      // Throughput: DELIVERIES deliveries committed at once (DELIVERIES / ENDPOINTS messages), until all arrived.
      const messages = Math.ceil(DELIVERIES / ENDPOINTS);
      const before = rx.count();
      await record(messages);
      const committed = Date.now();
      await waitFor(before + messages * ENDPOINTS);
      const rate = (messages * ENDPOINTS) / ((Date.now() - committed) / 1000);
      console.log(`  ${messages * ENDPOINTS} deliveries: ${round(rate)} deliveries/s`);
      return {
        meta: {
          ...codeVersion(),
          machine: { cpus: cpus().length, loadAverage: [round(loadBefore, 1), round(loadavg()[0] ?? 0, 1)] },
          endpoints: ENDPOINTS,
          workers: WORKERS,
          deliveries: messages * ENDPOINTS,
          idleSamples: SAMPLES,
        },
        results: [
          { name: 'deliveriesPerSecond', value: round(rate), unit: 'deliveries/s', target: '>= 500', ok: rate >= 500 },
          { name: 'idleCommitToDeliveryP95', value: round(p95), unit: 'ms', target: '< 1000', ok: p95 < 1000 },
        ],
      };
    } finally {
      await stopWorkers(ws);
      await q('DELETE FROM organizations WHERE slug = $1', [SLUG]).catch(() => {});
      await q(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await closeContext(ctx);
      await rx.close();
    }
  },
};

export default bench;
