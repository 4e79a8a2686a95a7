import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { hashToken, newToken } from '../lib/tokens.js';
import type { AuthAccount } from './auth.js';
import { sessionCookieName } from './auth.js';
import { issueCsrfCookie } from './csrf.js';

const SESSION_DAYS = 30;
const TOUCH_AFTER_MS = 60 * 60_000;

/** Finds a live session by its cookie value. */
export async function findSession(ctx: AppContext, raw: string): Promise<{ hash: string; account: AuthAccount; stale: boolean } | null> {
  if (raw.length > 100) return null;
  const hash = hashToken(raw);
  const { rows } = await ctx.database.query<{ id: string; email: string; name: string; locale: string; last_seen_at: string | Date }>(
    `SELECT a.id, a.email, a.name, a.locale, s.last_seen_at
       FROM sessions s JOIN accounts a ON a.id = s.account_id
      WHERE s.id_hash = $1 AND s.expires_at > now()`,
    [hash],
  );
  const r = rows[0];
  if (!r) return null;
  const stale = Date.now() - new Date(r.last_seen_at).getTime() > TOUCH_AFTER_MS;
  return { hash, account: { id: r.id, email: r.email, name: r.name, locale: r.locale }, stale };
}

export async function touchSession(ctx: AppContext, hash: string): Promise<void> {
  await ctx.database.query(
    `UPDATE sessions SET last_seen_at = now(), expires_at = now() + interval '${SESSION_DAYS} days' WHERE id_hash = $1`,
    [hash],
  );
}

/** Starts a new session (a new id at every sign-in) and sets its cookie and a fresh CSRF token. */
export async function startSession(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, accountId: string): Promise<void> {
  const old = req.cookies[sessionCookieName(ctx)];
  if (old) await ctx.database.query('DELETE FROM sessions WHERE id_hash = $1', [hashToken(old)]);
  const raw = newToken(32);
  await ctx.database.query(
    `INSERT INTO sessions (id_hash, account_id, ip, user_agent, expires_at) VALUES ($1, $2, $3, $4, now() + interval '${SESSION_DAYS} days')`,
    [hashToken(raw), accountId, req.ip, String(req.headers['user-agent'] ?? '').slice(0, 300)],
  );
  reply.setCookie(sessionCookieName(ctx), raw, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    maxAge: SESSION_DAYS * 86400,
  });
  issueCsrfCookie(ctx, reply);
}

/** Ends the current session server-side and clears its cookie. */
export async function endSession(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.sessionHash) await ctx.database.query('DELETE FROM sessions WHERE id_hash = $1', [req.sessionHash]);
  reply.clearCookie(sessionCookieName(ctx), { path: '/' });
}

/** Ends every session of an account, except `keepHash` when given. */
export async function endOtherSessions(ctx: AppContext, accountId: string, keepHash?: string | null): Promise<void> {
  await ctx.database.query('DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2', [accountId, keepHash ?? '']);
}
