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

declare module 'fastify' {
  interface FastifyRequest {
    account: AuthAccount | null;
    sessionHash: string | null;
    org: OrgAccess | null;
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

  app.addHook('onRequest', async (req, reply) => {
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
