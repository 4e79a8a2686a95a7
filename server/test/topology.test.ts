import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase } from './fresh-database.js';

// The deployment the README describes, for real: 2 web and 2 worker processes (ROLE=web|worker,
// started with tsx on src/main.ts) on one PostgreSQL database, mail to an SMTP sink on loopback.
// 5,000 invitations go through web process 1 while a worker is killed (SIGKILL) mid-batch; every
// invitee gets one invitation (one Message-ID). Sign-in attempts spread over both web processes meet one limit,
// and a session made on one web process works on the other. PostgreSQL only (DATABASE_URL).

const INVITES = 5_000;
const SERVER_DIR = path.resolve(import.meta.dirname, '..');

type Proc = { name: string; child: ChildProcess; output: string[]; exited: Promise<number | null> };
const procs: Proc[] = [];

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

function startSink() {
  const messages: { to: string[]; messageId: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    maxClients: 200,
    onData(stream, session, cb) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 4096) head += c.toString('utf8');
      });
      stream.on('end', () => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: /^Message-ID:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '',
        });
        cb();
      });
    },
  });
  server.on('error', () => {}); // the killed worker resets its connections: not the sink's failure
  return new Promise<{ url: string; messages: typeof messages; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.server.address() as { port: number };
      resolve({ url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

function startProcess(name: string, env: Record<string, string>): Proc {
  // One node process (not the tsx CLI, which runs the app in a child): SIGKILL must kill the app itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (b: Buffer) => {
    output.push(...b.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { name, child, output, exited };
}

/** Polls `check` every `everyMs` until it returns true, at most `ms`; throws with `what` otherwise. */
async function waitFor(what: string, ms: number, check: () => Promise<boolean> | boolean, everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    const dead = procs.find((p) => p.child.exitCode !== null && p.child.signalCode === null);
    if (dead) throw new Error(`${dead.name} exited with code ${dead.child.exitCode} while waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** A browser-like HTTP client for one web process: keeps cookies, sends the CSRF header on unsafe methods. */
class Client {
  cookies = new Map<string, string>();
  constructor(public base: string) {}
  // biome-ignore lint/suspicious/noExplicitAny: a test client reads JSON answers loosely and checks them with expect
  async request(method: string, url: string, body?: unknown): Promise<{ status: number; data: any; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && this.cookies.get('csrf_token')) headers['x-csrf-token'] = this.cookies.get('csrf_token')!;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: a test client reads JSON answers loosely and checks them with expect
    let data: any = text;
    try {
      data = JSON.parse(text);
    } catch {}
    return { status: res.status, data, headers: res.headers };
  }
  /** The same cookies, sent to another web process. */
  on(base: string): Client {
    const c = new Client(base);
    c.cookies = this.cookies;
    return c;
  }
}

describe.skipIf(!process.env.DATABASE_URL)('2 web + 2 worker processes on one PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof createFreshDatabase>>;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let db: pg.Pool;
  let env: Record<string, string>;
  let web: [string, string];

  beforeAll(async () => {
    fresh = await createFreshDatabase();
    sink = await startSink();
    db = new pg.Pool({ connectionString: fresh.url, max: 2 });
    const ports = [await freePort(), await freePort()] as const;
    web = [`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`];
    env = {
      DATABASE_URL: fresh.url,
      SMTP_URL: sink.url,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'troupe-topology-')),
      SESSION_SECRET: 'topology-test-secret-shared-by-every-process',
      APP_URL: web[0],
      HOST: '127.0.0.1',
      RATE_LIMIT_AUTH_MAX: '10',
      LOG_LEVEL: 'info',
    };
    // All four start at once: they migrate the fresh database under the advisory lock.
    procs.push(startProcess('web1', { ...env, ROLE: 'web', PORT: String(ports[0]) }));
    procs.push(startProcess('web2', { ...env, ROLE: 'web', PORT: String(ports[1]) }));
    procs.push(startProcess('worker1', { ...env, ROLE: 'worker', PORT: '0' }));
    // Generous: on a busy 2-core machine one process takes about 30 s to compile and start.
    try {
      for (const base of web)
        await waitFor(`${base}/readyz`, 300_000, async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, 250);
      await waitFor('worker1 to start', 300_000, () => procs[2]!.output.some((l) => l.includes('Troupe worker started')), 250);
    } catch (err) {
      throw new Error(`${err}\n${procs.map((p) => `--- ${p.name}\n${p.output.slice(-15).join('\n')}`).join('\n')}`);
    }
  }, 660_000);

  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await db?.end();
    await sink?.close();
    await fresh?.drop();
  });

  it('delivers 5,000 invitations exactly once despite a killed worker, shares the sign-in limit and the sessions', async () => {
    const failWith = (msg: string) => {
      const tail = procs.map((p) => `--- ${p.name}\n${p.output.slice(-15).join('\n')}`).join('\n');
      return new Error(`${msg}\n${tail}`);
    };
    // An owner: registered through web 1, verified in the database, signed in on web 1.
    const owner = new Client(web[0]);
    await owner.request('GET', '/healthz');
    const email = 'owner@topology.test';
    const password = 'a long enough password';
    expect((await owner.request('POST', '/api/v1/auth/register', { email, password, name: 'Owner' })).status).toBe(201);
    await db.query('UPDATE accounts SET verified_at = now() WHERE email = $1', [email]);
    expect((await owner.request('POST', '/api/v1/auth/login', { email, password })).status).toBe(200);

    // Sign-in attempts spread over both web processes: together they allow 10 a minute (the owner's was the first).
    const attacker = [new Client(web[0]), new Client(web[1])];
    const codes: number[] = [];
    for (let i = 0; i < 10; i++)
      codes.push((await attacker[i % 2]!.request('POST', '/api/v1/auth/login', { email, password: `wrong ${i}` })).status);
    expect(codes).toEqual([...Array(9).fill(401), 429]);
    const blocked = await attacker[0]!.request('POST', '/api/v1/auth/login', { email, password });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

    // The session made on web 1 works on web 2, reads and writes (CSRF) alike.
    const onWeb2 = owner.on(web[1]);
    expect((await onWeb2.request('GET', '/api/v1/me')).data.account.email).toBe(email);
    const org = await owner.request('POST', '/api/v1/orgs', { name: 'Topology' });
    expect(org.status).toBe(201);
    const group = await onWeb2.request('POST', `/api/v1/orgs/${org.data.id}/groups`, { name: 'Everyone' });
    expect(group.status).toBe(201);

    // 5,000 invitations through web 1.
    const emails = Array.from({ length: INVITES }, (_, i) => `learner-${i}@topology.test`);
    const sent = await owner.request('POST', `/api/v1/orgs/${org.data.id}/invitations`, { emails, groupIds: [group.data.id] });
    expect(sent.status).toBe(202);

    // Mid-batch: a second worker joins, then the first one (the only one sending so far) is killed.
    await waitFor('the first deliveries', 120_000, () => sink.messages.length >= 300, 20).catch((e) => {
      throw failWith(String(e));
    });
    procs.push(startProcess('worker2', { ...env, ROLE: 'worker', PORT: '0' }));
    await waitFor('worker2 to start', 300_000, () => procs[3]!.output.some((l) => l.includes('Troupe worker started')), 100);
    const atKill = sink.messages.length;
    const killedAt = Date.now();
    procs[2]!.child.kill('SIGKILL');
    await procs[2]!.exited;
    expect(atKill).toBeLessThan(INVITES); // it was killed mid-batch

    const recipients = () => new Set(sink.messages.flatMap((m) => m.to.filter((t) => t.startsWith('learner-'))));
    const before = sink.messages.length;
    await waitFor('a delivery after the kill', 240_000, () => sink.messages.length > before, 50).catch((e) => {
      throw failWith(String(e));
    });
    console.log(`topology: ${atKill} delivered when worker1 was killed; next delivery ${Date.now() - killedAt} ms later`);
    await waitFor(`${INVITES} invitees`, 300_000, () => recipients().size >= INVITES, 200).catch((e) => {
      throw failWith(`${e} (${recipients().size} received)`);
    });
    console.log(`topology: all ${INVITES} delivered ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
    // Nothing left to send, then a pause in which a duplicate would show up.
    await waitFor(
      'every email sent',
      120_000,
      async () => {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM emails WHERE status <> 'sent' AND to_address LIKE 'learner-%'`);
        return rows[0].n === 0;
      },
      500,
    );
    await new Promise((r) => setTimeout(r, 3_000));

    const learnerMessages = sink.messages.filter((m) => m.to.some((t) => t.startsWith('learner-')));
    expect(recipients().size).toBe(INVITES);
    // Each invitation is one message (one Message-ID): nobody gets two different invitations. SMTP has no
    // exactly-once: a message the sink accepted but the killed worker had not yet recorded is sent again,
    // with the same Message-ID (mail clients show it once). Only what was in flight at the kill can repeat.
    const ids = new Set(learnerMessages.map((m) => m.messageId));
    expect(ids.size).toBe(INVITES);
    const resent = learnerMessages.length - ids.size;
    console.log(`topology: ${resent} message(s) in flight at the kill delivered again with the same Message-ID`);
    expect(resent).toBeLessThan(100);
    const { rows } = await db.query(`SELECT status, count(*)::int AS n FROM invitations WHERE org_id = $1 GROUP BY status`, [org.data.id]);
    expect(rows).toEqual([{ status: 'pending', n: INVITES }]);
    // The web processes never stopped answering.
    for (const base of web) expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }, 900_000);
});
