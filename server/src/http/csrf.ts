import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { newToken, safeEqual, sign } from '../lib/tokens.js';

// Double-submit token, signed with the session secret so a cookie planted by another site is refused.

/** Sets a fresh csrf_token cookie (readable by scripts) and returns its value. */
export function issueCsrfCookie(ctx: AppContext, reply: FastifyReply): string {
  const raw = newToken(18);
  const value = `${raw}.${sign(raw, ctx.config.sessionSecret)}`;
  reply.setCookie('csrf_token', value, { path: '/', sameSite: 'lax', secure: ctx.config.secureCookies, httpOnly: false });
  return value;
}

/** Whether the header matches the cookie and the cookie carries our signature. */
export function verifyCsrf(ctx: AppContext, cookie: string | undefined, header: string | string[] | undefined): boolean {
  if (!cookie || typeof header !== 'string' || !safeEqual(cookie, header)) return false;
  const [raw, mac] = cookie.split('.');
  return Boolean(raw && mac && safeEqual(sign(raw, ctx.config.sessionSecret), mac));
}
