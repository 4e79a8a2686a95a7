import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';
import { isPublicAddress, safeLookup } from './url-safety.js';

// One HTTP POST of a signed message: 15 s at most, redirects not followed, the address checked
// again as it is dialled (DNS rebinding), a short excerpt of the answer kept for the delivery log.
// Connections are kept alive between messages to the same receiver (the check runs on every new
// connection); a kept connection the receiver closed meanwhile is retried once on a new one.

export const TIMEOUT_MS = 15_000;
const EXCERPT = 1024;

export type SendResult = {
  statusCode: number | null;
  durationMs: number;
  excerpt: string | null;
  error: string | null;
  retryAfter: number | null;
};

/** Reads Retry-After (seconds or an HTTP date) as seconds from now. */
function retryAfterSeconds(value: string | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

const agentOptions = { keepAlive: true, maxSockets: 8, maxFreeSockets: 8, scheduling: 'lifo' as const };
const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

/** POSTs `body` with `headers` to `url`; never throws. */
export async function sendWebhook(url: string, headers: Record<string, string>, body: string, allowPrivate: boolean): Promise<SendResult> {
  const started = Date.now();
  const first = await post(url, headers, body, allowPrivate, started);
  if (!first.staleSocket) return first.result;
  return (await post(url, headers, body, allowPrivate, started)).result;
}

function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  allowPrivate: boolean,
  started: number,
): Promise<{ result: SendResult; staleSocket?: boolean }> {
  const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({ ...r, durationMs: Date.now() - started });
  return new Promise((settle) => {
    const resolve = (result: SendResult, staleSocket = false) => settle({ result, staleSocket });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve(done({ statusCode: null, excerpt: null, error: 'invalid URL', retryAfter: null }));
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivate && ((ipaddr.isValid(host) && !isPublicAddress(host)) || target.protocol !== 'https:'))
      return resolve(done({ statusCode: null, excerpt: null, error: 'address not allowed', retryAfter: null }));
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Troupe-Webhooks/1.0', ...headers },
        lookup: safeLookup(allowPrivate),
        agent: target.protocol === 'https:' ? agents['https:'] : agents['http:'],
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < EXCERPT) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve(
            done({
              statusCode: res.statusCode ?? null,
              excerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT),
              error: null,
              retryAfter: retryAfterSeconds(res.headers['retry-after'], Date.now()),
            }),
          );
        });
        res.on('error', () => {});
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timed out after 15 s'), { code: 'ETIMEDOUT' })), TIMEOUT_MS);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      resolve(
        done({ statusCode: null, excerpt: null, error: err.code ? `${err.code}: ${err.message}` : err.message, retryAfter: null }),
        stale,
      );
    });
    req.end(body);
  });
}
