import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  APP_URL: z.string().url().optional(),
  DATABASE_URL: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Troupe <no-reply@troupe.local>'),
  DATA_DIR: z.string().optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  LOG_LEVEL: z.string().default('info'),
  WEB_DIST: z.string().optional(),
  JOBS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('pgboss'),
  RATE_LIMIT_AUTH_MAX: z.coerce.number().int().min(1).default(10),
  MAIL_POOL_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  MAIL_POOL_MESSAGES: z.coerce.number().int().min(1).default(1000),
  MAIL_RATE_PER_SECOND: z.coerce.number().min(0).default(0),
  // issue 12: API keys and webhooks
  API_KEY_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, 'seconds, comma-separated, e.g. 5,300,1800')
    .default('5,300,1800,7200,18000,36000,86400'),
  WEBHOOKS_ALLOW_PRIVATE: z.enum(['true', 'false', '']).default('false'),
  SECRETS_KEY: z.string().min(32).optional(),
  SSO_ALLOW_INSECURE_ISSUERS: z.enum(['true', 'false', '']).default('false'),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, c) => parseTrustProxy(v, c)),
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => !v || v.length >= 16, 'use at least 16 characters'),
  NOTIFY_BATCH_SECONDS: z.coerce.number().int().min(0).default(900),
  DASHBOARD_LIVE_MAX: z.coerce.number().int().min(0).default(20_000),
  DASHBOARD_FRESH_SECONDS: z.coerce.number().int().min(0).default(60),
  // issue 16: DNS servers that check domain verification records (`host:port`, comma-separated)
  DNS_SERVERS: z
    .string()
    .optional()
    .transform((v, c) => parseDnsServers(v, c)),
});

/** `DNS_SERVERS` as node:dns `setServers` takes it; undefined: the system resolver. */
function parseDnsServers(raw: string | undefined, c: z.RefinementCtx): string[] | undefined {
  const list = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) return undefined;
  const bad = list.filter((s) => {
    const m = /^\[([0-9a-f:.]+)\](?::(\d+))?$|^([^:\s]+)(?::(\d+))?$/i.exec(s);
    const host = m?.[1] ?? m?.[3];
    const port = Number(m?.[2] ?? m?.[4] ?? 53);
    return !host || !ipaddr.isValid(host) || !Number.isInteger(port) || port < 1 || port > 65535;
  });
  if (bad.length) c.addIssue({ code: 'custom', message: `not an IP address with an optional port (host:port): ${bad.join(', ')}` });
  return list;
}

/** Which proxies may tell the client's address (X-Forwarded-For), as Fastify's `trustProxy` takes it. */
export type TrustProxy = boolean | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function parseTrustProxy(raw: string | undefined, c: z.RefinementCtx): TrustProxy {
  const v = raw?.trim().toLowerCase() ?? '';
  if (v === '' || v === 'false' || v === 'off') return false;
  if (v === 'true' || v === 'on') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((s) => !PROXY_NAMES.has(s) && !isAddressOrCidr(s));
  if (bad.length) c.addIssue({ code: 'custom', message: `not an address, CIDR range or hop count: ${bad.join(', ')}` });
  return list;
}

function isAddressOrCidr(s: string): boolean {
  if (s.includes('/')) {
    try {
      ipaddr.parseCIDR(s);
      return true;
    } catch {
      return false;
    }
  }
  return ipaddr.isValid(s);
}

export type Config = {
  port: number;
  host: string;
  appUrl: string;
  databaseUrl?: string;
  /** PGlite data folder; `memory://` keeps the embedded database in memory (tests). */
  pgliteDir: string;
  /** Tests: a dumped, migrated PGlite data folder to start from. */
  pgliteTemplate?: string;
  smtpUrl?: string;
  mailFrom: string;
  dataDir: string;
  sessionSecret: string;
  role: 'all' | 'web' | 'worker';
  logLevel: string;
  webDist: string;
  secureCookies: boolean;
  jobs: { retryDelaySeconds: number; retryLimit: number; pollingIntervalSeconds: number; schema: string };
  /** Requests allowed per window on sign-in, registration, reset, passcodes and the join page. */
  /** SMTP pool (connections kept open, messages per connection) and the sending cap (0: none) per process. */
  mail: { poolConnections: number; poolMessages: number; ratePerSecond: number };
  /** issue 12: requests per minute and API key. */
  apiKeys: { rateLimitMax: number };
  /** issue 12: retry delays in seconds; whether http:// and private addresses are allowed (development, tests). */
  webhooks: { retrySchedule: number[]; allowPrivate: boolean };
  /** issue 16: the key sealing SSO client secrets (SECRETS_KEY, else generated in the data folder); http:// issuers on loopback (tests, development). */
  sso: { secretsKey: string; allowInsecureIssuers: boolean };
  /** Proxies trusted to report the client's address; false (default): the socket's address is the client's. */
  trustProxy: TrustProxy;
  rateLimits: { auth: { max: number; windowMs: number }; keyPrefix?: string };
  /** Bearer token that `GET /metrics` requires; without it the route does not exist (404). */
  metricsToken?: string;
  /** Observers get at most one email of new posts and comments per this many seconds. */
  notifyBatchSeconds: number;
  /** Groups of this many people or more are served from their last computed dashboard. */
  dashboardLiveMax: number;
  /** A served dashboard this many seconds old is computed again in the background. */
  dashboardFreshSeconds: number;
  /** issue 16: DNS servers for domain verification (`host:port`); undefined: the system's. */
  dnsServers?: string[];
};

/** Reads the environment once; a generated session secret is kept in the data folder so restarts keep sessions. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // Default: `data/` at the repository root, wherever the process was started from.
  const dataDir = path.resolve(e.DATA_DIR ?? path.join(import.meta.dirname, '../../data'));
  mkdirSync(dataDir, { recursive: true });
  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    appUrl,
    databaseUrl: e.DATABASE_URL || undefined,
    pgliteDir: path.join(dataDir, 'pglite'),
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    dataDir,
    sessionSecret: e.SESSION_SECRET ?? readOrCreateSecret(dataDir),
    role: e.ROLE,
    logLevel: e.LOG_LEVEL,
    webDist: path.resolve(e.WEB_DIST ?? path.join(import.meta.dirname, '../../web/dist')),
    secureCookies: appUrl.startsWith('https://'),
    jobs: { retryDelaySeconds: 5, retryLimit: 8, pollingIntervalSeconds: 1, schema: e.JOBS_SCHEMA },
    rateLimits: { auth: { max: e.RATE_LIMIT_AUTH_MAX, windowMs: 60_000 } },
    mail: { poolConnections: e.MAIL_POOL_CONNECTIONS, poolMessages: e.MAIL_POOL_MESSAGES, ratePerSecond: e.MAIL_RATE_PER_SECOND },
    apiKeys: { rateLimitMax: e.API_KEY_RATE_LIMIT_MAX },
    webhooks: { retrySchedule: e.WEBHOOK_RETRY_SCHEDULE.split(',').map(Number), allowPrivate: e.WEBHOOKS_ALLOW_PRIVATE === 'true' },
    sso: {
      secretsKey: e.SECRETS_KEY ?? readOrCreateSecret(dataDir, 'secrets-key'),
      allowInsecureIssuers: e.SSO_ALLOW_INSECURE_ISSUERS === 'true',
    },
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN || undefined,
    notifyBatchSeconds: e.NOTIFY_BATCH_SECONDS,
    dashboardLiveMax: e.DASHBOARD_LIVE_MAX,
    dashboardFreshSeconds: e.DASHBOARD_FRESH_SECONDS,
    dnsServers: e.DNS_SERVERS,
  };
}

function readOrCreateSecret(dataDir: string, name = 'session-secret'): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
