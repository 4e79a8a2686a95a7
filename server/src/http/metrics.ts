import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../context.js';
import { safeEqual } from '../lib/tokens.js';
import { AppError } from './errors.js';

// Prometheus metrics. What happens in this process (HTTP requests, Node.js itself) is counted here;
// what every process shares (jobs, emails, imports) is read from the database when scraped, so any
// web process answers for the whole installation, worker processes included.

/** Metrics counted in this process (one registry per process; apps built in tests share it). */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'troupe_' });

const httpLabels = ['method', 'route', 'status'] as const;
const httpRequests = new Counter({
  name: 'troupe_http_requests_total',
  help: 'HTTP requests answered, by route pattern and status',
  labelNames: httpLabels,
  registers: [processRegistry],
});
const httpDuration = new Histogram({
  name: 'troupe_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route pattern and status',
  labelNames: httpLabels,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

/** Emails the SMTP server accepted or refused in this process (mail code may call these; the database totals are in troupe_emails). */
export const emailsSentCounter = new Counter({
  name: 'troupe_emails_sent_total',
  help: 'Emails accepted by the SMTP server, counted in this process',
  registers: [processRegistry],
});
export const emailsFailedCounter = new Counter({
  name: 'troupe_emails_failed_total',
  help: 'Email delivery attempts that failed, counted in this process',
  registers: [processRegistry],
});

/** Counts every answered request under its route pattern (never the raw URL: ids and tokens stay out). */
export function registerHttpMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    const labels = { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}

type SharedFigures = {
  queues: string[];
  jobs: { name: string; state: string; n: number }[];
  emails: { status: string; n: number }[];
  importRows: { mode: string; n: number }[];
};

/** Reads what every process shares from the database (a few GROUP BY queries). */
async function readSharedFigures(ctx: AppContext): Promise<SharedFigures> {
  const schema = ctx.config.jobs.schema;
  const [queues, jobs, emails, importRows] = await Promise.all([
    ctx.database.query<{ name: string }>(`SELECT name FROM ${schema}.queue`),
    ctx.database.query<{ name: string; state: string; n: number }>(
      `SELECT name, CASE WHEN state IN ('created', 'retry') THEN 'queued' ELSE state::text END AS state, count(*)::int AS n
         FROM ${schema}.job WHERE state IN ('created', 'retry', 'active', 'failed') GROUP BY 1, 2`,
    ),
    ctx.database.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM emails GROUP BY status`),
    ctx.database.query<{ mode: string; n: number }>(
      `SELECT mode, coalesce(sum(rows_done), 0)::int AS n FROM imports WHERE status = 'done' GROUP BY mode`,
    ),
  ]);
  return { queues: queues.rows.map((q) => q.name), jobs: jobs.rows, emails: emails.rows, importRows: importRows.rows };
}

/** The installation-wide figures as gauges of a registry of their own (built per scrape). */
function sharedRegistry(ctx: AppContext, f: SharedFigures): Registry {
  const reg = new Registry();
  const jobs = new Gauge({
    name: 'troupe_jobs',
    help: 'Background jobs by queue name and state (queued, active, failed), all processes',
    labelNames: ['name', 'state'],
    registers: [reg],
  });
  for (const name of f.queues) for (const state of ['queued', 'active', 'failed']) jobs.set({ name, state }, 0);
  for (const j of f.jobs) jobs.set({ name: j.name, state: j.state }, j.n);
  const emails = new Gauge({
    name: 'troupe_emails',
    help: 'Emails by status (sent, failed, queued, sending), all processes',
    labelNames: ['status'],
    registers: [reg],
  });
  for (const status of ['queued', 'sending', 'sent', 'failed']) emails.set({ status }, 0);
  for (const e of f.emails) emails.set({ status: e.status }, e.n);
  const rows = new Gauge({
    name: 'troupe_import_rows_applied',
    help: 'Rows applied by finished imports, by mode',
    labelNames: ['mode'],
    registers: [reg],
  });
  for (const mode of ['invite', 'create']) rows.set({ mode }, 0);
  for (const r of f.importRows) rows.set({ mode: r.mode }, r.n);
  const pool = new Gauge({
    name: 'troupe_db_pool_connections',
    help: "This process's database connections: total, idle, and requests waiting for one",
    labelNames: ['state'],
    registers: [reg],
  });
  const p = ctx.database.pool;
  pool.set({ state: 'total' }, p ? p.totalCount : 1);
  pool.set({ state: 'idle' }, p ? p.idleCount : 0);
  pool.set({ state: 'waiting' }, p ? p.waitingCount : 0);
  const max = new Gauge({ name: 'troupe_db_pool_max', help: "This process's database pool size", registers: [reg] });
  max.set(p ? (p.options.max ?? 10) : 1);
  return reg;
}

/** `GET /metrics` (Prometheus text), only when METRICS_TOKEN is set, and only with `Authorization: Bearer <token>`. */
export function registerMetricsRoute(app: FastifyInstance, ctx: AppContext): void {
  const token = ctx.config.metricsToken;
  if (!token) return;
  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!safeEqual(given, token)) throw new AppError(401, 'unauthenticated', 'Send the metrics token as Authorization: Bearer <token>.');
    const shared = sharedRegistry(ctx, await readSharedFigures(ctx));
    const merged = Registry.merge([processRegistry, shared]);
    return reply.type(merged.contentType).send(await merged.metrics());
  });
}
