import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError, forbidden, notFound } from './errors.js';
import { assertInScope, type GroupScope, groupScopeFor } from './group-scope.js';
import { type Permission, can, permissionsOf } from './permissions.js';
import { findSession, touchSession } from './sessions.js';
import { verifyCsrf, issueCsrfCookie } from './csrf.js';

export type AuthAccount = { id: string; email: string; name: string; locale: string };
/** The viewer's access to `:orgId`: role, permissions, and the groups it may see (null: all of them). */
export type OrgAccess = { orgId: string; role: string; permissions: Permission[]; scope: GroupScope };

/** Who may call a route: anyone, any signed-in account, or members holding a permission in `:orgId`. */
export type RouteAuth = 'public' | 'account' | Permission;

// --- issue 12: API keys (`Authorization: Bearer trp_…`) -------------------------------------------
/** What a bearer key grants: one organization, the permissions of its scopes, and the account it acts as. */
export type BearerAccess = { keyId: string; orgId: string; role: string; permissions: Permission[]; account: AuthAccount };
export type BearerResolver = (ctx: AppContext, secret: string, ip: string) => Promise<BearerAccess>;
let bearerResolver: BearerResolver | null = null;
/** Installed by the api-keys module (modules/index.ts), so http/ does not depend on a feature. */
export function setBearerResolver(fn: BearerResolver): void {
  bearerResolver = fn;
}
const KEY_IN_QUERY = /[?&][^#]*trp_[A-Za-z0-9_-]{20}/;
// ---------------------------------------------------------------------------------------------------

declare module 'fastify' {
  interface FastifyRequest {
    account: AuthAccount | null;
    sessionHash: string | null;
    org: OrgAccess | null;
    /** Set when the request is authenticated by an API key (issue 12). */
    bearer: BearerAccess | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sessionCookieName(ctx: AppContext): string {
  return ctx.config.secureCookies ? '__Host-troupe_session' : 'troupe_session';
}

/** Loads the session, checks CSRF on unsafe methods, then the route's declared permission. */
export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('account', null);
  app.decorateRequest('sessionHash', null);
  app.decorateRequest('org', null);
  app.decorateRequest('bearer', null);
  const keyLimiter = app.createRateLimit({
    max: () => ctx.config.apiKeys.rateLimitMax,
    timeWindow: 60_000,
    keyGenerator: (req) => `api-key:${req.bearer?.keyId ?? req.ip}`,
  });

  app.addHook('onRequest', async (req, reply) => {
    // issue 12: a key is taken from the Authorization header only; one in the address is refused (logs keep addresses).
    if (KEY_IN_QUERY.test(req.url))
      throw new AppError(400, 'api_key_in_query', 'Send the API key in the Authorization header, never in the address.');
    const bearer = /^Bearer\s+(trp_\S*)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      if (!bearerResolver) throw new AppError(401, 'invalid_api_key', 'The API key is not valid.');
      req.bearer = await bearerResolver(ctx, bearer, req.ip);
      req.account = req.bearer.account;
      return;
    }
    const raw = req.cookies[sessionCookieName(ctx)];
    if (raw) {
      const found = await findSession(ctx, raw);
      if (found) {
        req.account = found.account;
        req.sessionHash = found.hash;
        if (found.stale) void touchSession(ctx, found.hash).catch(() => {});
      }
    }
    if (!req.cookies.csrf_token && req.method === 'GET') issueCsrfCookie(ctx, reply);
  });

  app.addHook('preValidation', async (req, reply) => {
    const auth = req.routeOptions.config?.auth;
    if (auth === undefined) return; // static files, docs, not-found
    if (req.bearer) return authorizeBearer(req, req.bearer, auth, keyLimiter); // no CSRF: browsers never add this header
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (unsafe) checkCsrf(ctx, req);
    if (auth === 'public') return;
    if (!req.account) throw new AppError(401, 'unauthenticated', 'Sign in to continue.');
    if (auth === 'account') return;
    const orgId = (req.params as Record<string, string> | undefined)?.orgId;
    if (!orgId || !UUID.test(orgId)) throw notFound('Organization');
    req.org = await loadAccess(ctx, req.account.id, orgId);
    if (!req.org) throw notFound('Organization');
    if (!can(req.org.role, auth))
      throw forbidden(`Your role (${req.org.role}) does not allow this action (${auth}).`, {
        key: 'errors.role_forbidden',
        params: { role: req.org.role, action: auth },
      });
    // One group, invitation or passcode outside the viewer's groups does not exist for it.
    if (req.org.scope) {
      const params = (req.params ?? {}) as Record<string, string | undefined>;
      const id = (key: string) => (params[key] && UUID.test(params[key]) ? params[key] : undefined);
      await assertInScope(ctx, req.org.scope, { groupId: id('groupId'), invitationId: id('invitationId'), passcodeId: id('passcodeId') });
    }
    void reply;
  });
}

/** issue 12: a key works on its own organization's routes its scopes allow, within its rate limit. */
async function authorizeBearer(
  req: FastifyRequest,
  bearer: BearerAccess,
  auth: RouteAuth,
  limiter: (
    req: FastifyRequest,
  ) => Promise<{ isAllowed: true; key: string } | { isAllowed: false; isExceeded: boolean; ttlInSeconds: number }>,
): Promise<void> {
  const limit = await limiter(req);
  if (!limit.isAllowed && limit.isExceeded)
    throw new AppError(429, 'rate_limited', `Too many requests with this API key; try again in ${limit.ttlInSeconds} seconds.`, {
      retryAfterSeconds: limit.ttlInSeconds,
    });
  if (auth === 'public') return;
  if (auth === 'account') throw new AppError(403, 'api_key_not_allowed', 'API keys work only on /api/v1/orgs/:orgId/… routes.');
  const orgId = (req.params as Record<string, string> | undefined)?.orgId;
  if (orgId !== bearer.orgId) throw notFound('Organization');
  if (!bearer.permissions.includes(auth))
    throw new AppError(403, 'insufficient_scope', `This API key's scopes do not allow this action (${auth}).`);
  req.org = { orgId, role: bearer.role, permissions: bearer.permissions, scope: null };
}

function checkCsrf(ctx: AppContext, req: FastifyRequest): void {
  // Cookie-authenticated requests must echo the csrf_token cookie in X-CSRF-Token.
  if (req.cookies[sessionCookieName(ctx)]) {
    if (!verifyCsrf(ctx, req.cookies.csrf_token, req.headers['x-csrf-token'])) {
      throw new AppError(403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header; reload the page and try again.');
    }
    return;
  }
  // Requests without a session (sign-in, registration): refuse cross-site browser posts.
  const origin = req.headers.origin;
  if (origin && origin !== 'null' && new URL(ctx.config.appUrl).origin !== origin && req.headers.host !== safeHost(origin)) {
    throw new AppError(403, 'csrf_failed', 'Cross-site request refused.');
  }
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

async function loadAccess(ctx: AppContext, accountId: string, orgId: string): Promise<OrgAccess | null> {
  const { rows } = await ctx.database.query<{ role: string }>(
    `SELECT role FROM memberships WHERE org_id = $1 AND account_id = $2 AND status = 'active'`,
    [orgId, accountId],
  );
  if (!rows[0]) return null;
  return { orgId, role: rows[0].role, permissions: permissionsOf(rows[0].role), scope: groupScopeFor(rows[0].role, orgId, accountId) };
}

/** The signed-in account of a route declared `account` or with a permission. */
export function actorOf(req: FastifyRequest): AuthAccount {
  if (!req.account) throw new AppError(401, 'unauthenticated', 'Sign in to continue.');
  return req.account;
}

/** The organization access of a route declared with a permission. */
export function orgOf(req: FastifyRequest): OrgAccess {
  if (!req.org) throw notFound('Organization');
  return req.org;
}

export type { FastifyReply };
