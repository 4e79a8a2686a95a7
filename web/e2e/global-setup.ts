import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** issue 16: the UDP port the server asks for DNS (a test binds its DNS server there: e2e/domains.test.ts). */
    dnsPort: number;
  }
}

const webDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const repoDir = resolve(webDir, '..');
const serverEntry = join(repoDir, 'server', 'src', 'main.ts');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

// A loaded 2-core machine (other test runs, builds) has been seen to need more than a minute to start
// the server on the embedded database; it gets three before the run is called failed.
const START_LIMIT_S = 180;

async function waitForHealth(baseUrl: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_LIMIT_S * 1000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`The server exited with code ${server.exitCode} before answering /healthz.\n${log()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server did not answer GET /healthz with 200 within ${START_LIMIT_S} s.\n${log()}`);
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => server.kill('SIGKILL'), 10_000);
    server.once('exit', () => {
      clearTimeout(force);
      done();
    });
    server.kill('SIGTERM');
  });
}

/** A free UDP port on loopback. */
function freeUdpPort(): Promise<number> {
  return new Promise((done) => {
    const probe = createSocket('udp4');
    probe.bind(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/** Starts the real server on a free port with a fresh data folder and the development mailbox. */
export default async function setup(project: TestProject) {
  // WEB_DIST lets a run use its own build (`vite build --outDir …`) while someone else rebuilds web/dist.
  const webDist = process.env.WEB_DIST ? resolve(process.env.WEB_DIST) : join(webDir, 'dist');
  if (!existsSync(join(webDist, 'index.html'))) {
    throw new Error(`${webDist} is missing: run \`npx vite build\` in web/ before the browser tests.`);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'troupe-e2e-'));
  const dnsPort = await freeUdpPort();

  // A clean environment: no SMTP_URL (so the development mailbox is on) and nothing from vitest.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: process.env.LANG,
    PORT: String(port),
    APP_URL: baseUrl,
    DATA_DIR: dataDir,
    // Every browser test signs in from 127.0.0.1: keep the per-IP limit out of the way (tests of the limit itself run in server/).
    RATE_LIMIT_AUTH_MAX: '10000',
    // Observers' notifications of the group space: a short batching window, so a flow sees its email.
    NOTIFY_BATCH_SECONDS: '2',
    // issue 12: the provisioning flow's webhook receiver listens on 127.0.0.1 over http.
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    // issue 16: the SSO browser test's OpenID provider listens on 127.0.0.1 over http.
    SSO_ALLOW_INSECURE_ISSUERS: 'true',
    // issue 16: domain verification asks a DNS server on loopback that the domains flow runs.
    DNS_SERVERS: `127.0.0.1:${dnsPort}`,
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  if (process.env.WEB_DIST) env.WEB_DIST = webDist;

  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
    if (process.env.E2E_SERVER_LOG) process.stderr.write(chunk);
  };
  const server = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
    cwd: repoDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', keep);
  server.stderr?.on('data', keep);
  const log = () => `--- server output ---\n${output.join('')}`;

  try {
    await waitForHealth(baseUrl, server, log);
  } catch (error) {
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  project.provide('baseUrl', baseUrl);
  project.provide('dnsPort', dnsPort);

  return async () => {
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
  };
}
