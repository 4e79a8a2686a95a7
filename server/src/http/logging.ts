import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino from 'pino';

// JSON logs: one object per line, a request id on every line written during a request, and nothing
// secret in them — headers that carry credentials, password and token fields, email bodies, and the
// tokens that some URLs carry (invitation links, verification links) are replaced by "[redacted]".

const REDACTED = '[redacted]';

/** Fields never written as they are, wherever a log call puts them (one and two levels deep). */
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'passcode',
  'secret',
  'clientSecret',
  'sessionSecret',
  'smtpUrl',
  'databaseUrl',
  'textBody',
  'htmlBody',
  'text',
  'html',
];
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Query parameters whose values are secret or personal. */
const SECRET_QUERY = /^(token|code|passcode|password|secret|state|email|key|access_token|id_token)$/i;
/** A path segment that looks like a random token: long, URL-safe, not a UUID. */
const isTokenLike = (s: string) => s.length >= 20 && /^[A-Za-z0-9_~.-]+$/.test(s) && !UUID.test(s) && !/^[a-z0-9-]+$/.test(s);

/** The URL as it may be logged: token-like path segments and secret query values replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const pathPart = q === -1 ? url : url.slice(0, q);
  const safePath = pathPart
    .split('/')
    .map((seg) => (isTokenLike(seg) ? REDACTED : seg))
    .join('/');
  if (q === -1) return safePath;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      if (eq === -1) return pair;
      const value = pair.slice(eq + 1);
      return SECRET_QUERY.test(decodeURIComponentSafe(name)) || isTokenLike(value) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${safePath}?${query}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

type LoggedRequest = {
  method?: string;
  url?: string;
  ip?: string;
  routeOptions?: { url?: string };
  headers?: Record<string, unknown>;
};

/** pino options for every process: JSON lines, redaction, and requests logged by route. */
export function loggerOptions(level: string): pino.LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactUrl(req.url ?? ''),
        route: req.routeOptions?.url,
        remoteAddress: req.ip,
        userAgent: typeof req.headers?.['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 200) : undefined,
      }),
      err: pino.stdSerializers.err,
    },
  };
}

/** An incoming X-Request-Id is kept only if it is short and plain (no spaces, quotes or control characters). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: the caller's `X-Request-Id` when it is safe to log and echo, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}
