import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { hashPassword } from '../src/lib/passwords.js';
import { sign } from '../src/lib/tokens.js';
import { type Benchmark, type BenchResult, codeVersion, cpuSeconds, ensureDatabase, round } from './lib.js';

// HTTP under load, from another process: a Troupe web process (ROLE=web, started with tsx on
// src/main.ts) on PostgreSQL, and autocannon in this process over loopback, every run bounded by a
// request count and a time limit. Measured: passcode redemptions (a cap of 50 under 200 concurrent
// redeemers must give exactly 50; then throughput with a large cap), join-page submissions and
// sign-ins (argon2id, m = 19 MiB, t = 2, p = 1). Rate limits stay on (counted in the database, as in
// production) but set high enough not to refuse the load. Accounts and sessions are seeded set-based.
// Runs on DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).

const SECRET = 'load-bench-session-secret-0123456789abcdef';
const RUN = randomBytes(4).toString('hex');
const CAP = 50;
const CAP_REDEEMERS = 200;
/** BENCH_LOAD_REDEEMS: more redemptions average out a noisy machine (A/B runs of a change). */
const REDEEMS = Number(process.env.BENCH_LOAD_REDEEMS ?? 5_000);
const JOINS = 2_000;
const SIGNINS = 300;
const PASSWORD = 'load bench password';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

const csrf = (() => {
  const raw = randomBytes(18).toString('base64url');
  return `${raw}.${sign(raw, SECRET)}`;
})();

/** Cookie and CSRF header of a session whose raw id is `raw`. */
const authHeaders = (raw: string) => ({
  cookie: `troupe_session=${raw}; csrf_token=${csrf}`,
  'x-csrf-token': csrf,
  'content-type': 'application/json',
});

/** Runs autocannon: `amount` requests over `connections`, each built by `next(i)`; at most `maxSeconds`. */
async function load(
  url: string,
  o: {
    connections: number;
    amount: number;
    maxSeconds: number;
    next: (i: number) => { path: string; headers: Record<string, string>; body: string };
  },
) {
  let i = 0;
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url,
    connections: o.connections,
    amount: o.amount,
    duration: o.maxSeconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => ({ ...req, method: 'POST', ...o.next(i++) }),
      },
    ],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const codes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) codes[code] = (s as { count: number }).count;
  return { seconds, codes, errors: result.errors, timeouts: result.timeouts, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Seeds `n` verified accounts with a session each (raw session ids `${prefix}${i}`), set-based. */
async function seedAccounts(pool: pg.Pool, prefix: string, n: number, passwordHash: string | null): Promise<string[]> {
  await pool.query(
    `WITH a AS (
       INSERT INTO accounts (email, email_key, name, password_hash, verified_at)
       SELECT $1 || i || '@bench.invalid', $1 || i || '@bench.invalid', 'Bench ' || i, $3, now() FROM generate_series(0, $2 - 1) i
       RETURNING id, email)
     INSERT INTO sessions (id_hash, account_id, expires_at)
     SELECT encode(sha256(convert_to(replace(a.email, '@bench.invalid', ''), 'UTF8')), 'hex'), a.id, now() + interval '1 day' FROM a`,
    [prefix, n, passwordHash],
  );
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

// biome-ignore lint/suspicious/noExplicitAny: a test client reads JSON answers loosely and checks them with expect
async function api(base: string, session: string, method: string, url: string, body: unknown): Promise<any> {
  const res = await fetch(base + url, { method, headers: authHeaders(session), body: JSON.stringify(body) });
  const data = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

function startWeb(env: Record<string, string>): ChildProcess {
  // BENCH_WEB_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the web process.
  const nodeArgs = process.env.BENCH_WEB_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(import.meta.dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

const bench: Benchmark = {
  name: 'load',
  description: 'passcode redemptions, join-page submissions and sign-ins per second, from another process (autocannon, PostgreSQL)',
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const jobsSchema = `bench_load_${RUN}`;
    const web = startWeb({
      DATABASE_URL: url,
      ROLE: 'web',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: base,
      SESSION_SECRET: SECRET,
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'troupe-load-')),
      JOBS_SCHEMA: jobsSchema,
      RATE_LIMIT_AUTH_MAX: '1000000',
      LOG_LEVEL: 'warn',
    });
    const results: BenchResult[] = [];
    const meta: Record<string, unknown> = {
      ...codeVersion(),
      cpus: os.cpus().length,
      argon2id: { memoryKiB: 19456, timeCost: 2, parallelism: 1 },
    };
    try {
      const until = Date.now() + 120_000;
      while ((await fetch(`${base}/readyz`).catch(() => null))?.status !== 200) {
        if (Date.now() > until || web.exitCode !== null) throw new Error('the web process did not become ready');
        await new Promise((r) => setTimeout(r, 250));
      }
      // Owner, organization, group, passcodes, join page.
      const [owner] = await seedAccounts(pool, `bench-load-${RUN}-owner-`, 1, null);
      const org = await api(base, owner!, 'POST', '/api/v1/orgs', { name: `Load bench ${RUN}` });
      const group = await api(base, owner!, 'POST', `/api/v1/orgs/${org.id}/groups`, { name: 'Everyone' });
      const passcode = async (code: string, capacity: number) =>
        api(base, owner!, 'POST', `/api/v1/orgs/${org.id}/passcode-invitations`, {
          name: code,
          passcode: code,
          capacity,
          groupIds: [group.id],
        });
      await passcode(`CAP${RUN}`, CAP);
      const bigPasscode = await passcode(`BIG${RUN}`, 1_000_000);
      await api(base, owner!, 'PUT', `/api/v1/orgs/${org.id}/join-page`, {
        enabled: true,
        slug: `load-${RUN}`,
        allowedDomains: ['bench.invalid'],
        groupIds: [group.id],
      });

      // A cap of 50 under 200 concurrent redeemers: exactly 50 get in.
      const capRedeemers = await seedAccounts(pool, `bench-load-${RUN}-cap-`, CAP_REDEEMERS, null);
      const cap = await load(base, {
        connections: CAP_REDEEMERS,
        amount: CAP_REDEEMERS,
        maxSeconds: 120,
        next: (i) => ({
          path: '/api/v1/passcodes/redeem',
          headers: authHeaders(capRedeemers[i % CAP_REDEEMERS]!),
          body: JSON.stringify({ passcode: `CAP${RUN}` }),
        }),
      });
      const { rows: capRows } = await pool.query(
        `SELECT count(*)::int AS n FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.org_id = $1 AND a.email LIKE $2`,
        [org.id, `bench-load-${RUN}-cap-%`],
      );
      const admitted = capRows[0].n as number;
      meta.cap = { ...cap, admitted };
      results.push({
        name: 'passcode_cap_50_of_200_admitted',
        value: admitted,
        unit: 'members',
        target: `= ${CAP}`,
        ok: admitted === CAP && cap.codes['200'] === CAP,
      });

      // Throughput with a large cap: 5,000 accounts redeem once each.
      const redeemers = await seedAccounts(pool, `bench-load-${RUN}-r-`, REDEEMS, null);
      const cpuBefore = cpuSeconds(web.pid!);
      const big = await load(base, {
        connections: 50,
        amount: REDEEMS,
        maxSeconds: 120,
        next: (i) => ({
          path: '/api/v1/passcodes/redeem',
          headers: authHeaders(redeemers[i % REDEEMS]!),
          body: JSON.stringify({ passcode: `BIG${RUN}` }),
        }),
      });
      const redeemed = big.codes['200'] ?? 0;
      const cpuAfter = cpuSeconds(web.pid!);
      // Where the CPU went, per redemption: the web process (Node) and PostgreSQL (all its processes).
      const cpuMs = (k: 'process' | 'processSystem' | 'postgres') =>
        round(((cpuAfter[k] - cpuBefore[k]) * 1000) / Math.max(redeemed, 1), 2);
      meta.redeem = { ...big, cpuMsPerRedemption: { web: cpuMs('process'), postgres: cpuMs('postgres') } };
      results.push({ name: 'passcode_redemption_cpu_ms_web', value: cpuMs('process'), unit: 'ms', target: '' });
      results.push({ name: 'passcode_redemption_cpu_ms_web_kernel', value: cpuMs('processSystem'), unit: 'ms', target: '' });
      results.push({ name: 'passcode_redemption_cpu_ms_postgres', value: cpuMs('postgres'), unit: 'ms', target: '' });
      // The rate between the first and the last redemption the server recorded: autocannon ends a run
      // on its one-second tick, so its own duration is rounded up to a whole second (±8% at 13 s).
      const { rows: spanRows } = await pool.query(
        `SELECT count(*)::int AS n, extract(epoch FROM max(accepted_at) - min(accepted_at))::float8 AS s
           FROM invitations WHERE passcode_id = $1`,
        [bigPasscode.id],
      );
      const span = spanRows[0] as { n: number; s: number };
      meta.redeemSpan = span;
      const perSecond = round((span.n - 1) / span.s);
      results.push({
        name: 'passcode_redemptions_per_s',
        value: perSecond,
        unit: '/s',
        target: '≥ 500',
        ok: perSecond >= 500 && redeemed === REDEEMS,
      });

      // BENCH_LOAD_ONLY=redeem stops here (to profile the redemptions alone).
      if (process.env.BENCH_LOAD_ONLY === 'redeem') return { results, meta };
      // Join-page submissions: distinct addresses, each answered 202 and mailed a link (queued).
      const join = await load(base, {
        connections: 50,
        amount: JOINS,
        maxSeconds: 120,
        next: (i) => ({
          path: `/api/v1/join/load-${RUN}`,
          headers: { cookie: `csrf_token=${csrf}`, 'x-csrf-token': csrf, 'content-type': 'application/json' },
          body: JSON.stringify({ email: `bench-load-${RUN}-join-${i}@bench.invalid`, groupId: group.id }),
        }),
      });
      meta.join = join;
      results.push({ name: 'join_submissions_per_s', value: round((join.codes['202'] ?? 0) / join.seconds), unit: '/s', target: '' });

      // Sign-ins: real argon2id verification, a new session each.
      const hash = await hashPassword(PASSWORD);
      await seedAccounts(pool, `bench-load-${RUN}-s-`, 50, hash);
      const signin = await load(base, {
        connections: 16,
        amount: SIGNINS,
        maxSeconds: 120,
        next: (i) => ({
          path: '/api/v1/auth/login',
          headers: { cookie: `csrf_token=${csrf}`, 'x-csrf-token': csrf, 'content-type': 'application/json' },
          body: JSON.stringify({ email: `bench-load-${RUN}-s-${i % 50}@bench.invalid`, password: PASSWORD }),
        }),
      });
      meta.signin = signin;
      results.push({
        name: 'signins_per_s_argon2id_m19MiB_t2_p1',
        value: round((signin.codes['200'] ?? 0) / signin.seconds, 1),
        unit: '/s',
        target: '',
      });
      return { results, meta };
    } finally {
      web.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1000));
      if (web.exitCode === null) web.kill('SIGKILL');
      await pool.query(`DROP SCHEMA IF EXISTS ${jobsSchema} CASCADE`).catch(() => {});
      await pool.query(`DELETE FROM organizations WHERE name = $1`, [`Load bench ${RUN}`]).catch(() => {});
      await pool.query(`DELETE FROM accounts WHERE email LIKE $1`, [`bench-load-${RUN}-%`]).catch(() => {});
      await pool.end();
    }
  },
};

export default bench;
