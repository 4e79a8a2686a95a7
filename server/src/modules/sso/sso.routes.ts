import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { AppError, notFound } from '../../http/errors.js';
import { startSession } from '../../http/sessions.js';
import * as s from './sso.schemas.js';
import * as svc from './sso.service.js';

const COOKIE = 'troupe_sso';
const COOKIE_PATH = '/api/v1/auth/sso';

/** Single sign-on: the organization's connections (owners, admins) and the sign-in endpoints. */
export const ssoRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['sso'];
    const base = '/api/v1/orgs/:orgId/sso-connections';
    const limited = { rateLimit: { max: ctx.config.rateLimits.auth.max * 3, timeWindow: ctx.config.rateLimits.auth.windowMs } };
    const actor = (req: FastifyRequest) => ({ ...actorOf(req), ip: req.ip });

    /** The browser binding of a sign-in in flight: an HttpOnly cookie only the SSO endpoints receive. */
    const bindBrowser = (reply: FastifyReply, token: string) =>
      reply.setCookie(COOKIE, token, { path: COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies, maxAge: 600 });

    app.get(
      base,
      { config: { auth: 'sso.manage' }, schema: { tags, params: s.orgParams, response: { 200: s.connectionOut.array() } } },
      async (req) => svc.listConnections(ctx, orgOf(req).orgId),
    );

    app.post(
      base,
      {
        config: { auth: 'sso.manage' },
        schema: {
          tags,
          summary: 'Add an OpenID Connect connection (checked by discovery)',
          params: s.orgParams,
          body: s.createConnectionBody,
          response: { 201: s.connectionOut },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await svc.createConnection(ctx, { actor: actor(req), orgId: orgOf(req).orgId, input: req.body })),
    );

    app.patch(
      `${base}/:connectionId`,
      {
        config: { auth: 'sso.manage' },
        schema: { tags, params: s.connectionParams, body: s.updateConnectionBody, response: { 200: s.connectionOut } },
      },
      async (req) =>
        svc.updateConnection(ctx, { actor: actor(req), orgId: orgOf(req).orgId, connectionId: req.params.connectionId, input: req.body }),
    );

    app.delete(
      `${base}/:connectionId`,
      { config: { auth: 'sso.manage' }, schema: { tags, params: s.connectionParams } },
      async (req, reply) => {
        await svc.deleteConnection(ctx, { actor: actor(req), orgId: orgOf(req).orgId, connectionId: req.params.connectionId });
        return reply.code(204).send();
      },
    );

    app.post(
      `${base}/:connectionId/test`,
      {
        config: { auth: 'sso.manage' },
        schema: {
          tags,
          summary: 'Test: sign in once at the provider and see the claims received',
          params: s.connectionParams,
          response: { 200: s.redirectOut },
        },
      },
      async (req, reply) => {
        const conn = await svc.connectionInOrg(ctx, orgOf(req).orgId, req.params.connectionId);
        const { url, browserToken } = await svc.startLogin(ctx, { conn, mode: 'test', accountId: actorOf(req).id });
        bindBrowser(reply, browserToken);
        return { redirectUrl: url };
      },
    );

    app.get(
      `${base}/:connectionId/test-result`,
      { config: { auth: 'sso.manage' }, schema: { tags, params: s.connectionParams, response: { 200: s.testResultOut } } },
      async (req) => {
        const res = await svc.lastTestClaims(ctx, {
          orgId: orgOf(req).orgId,
          connectionId: req.params.connectionId,
          accountId: actorOf(req).id,
        });
        if (!res) throw notFound('Test result');
        return { claims: res.claims, at: new Date(res.at).toISOString() };
      },
    );

    app.get(
      `${COOKIE_PATH}/start`,
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'Email-first sign-in: the identity provider of the address’s verified domain (302), or password',
          querystring: s.startQuery,
          response: { 200: s.startOut },
        },
      },
      async (req, reply) => {
        const found = req.query.org
          ? await svc.connectionForOrg(ctx, req.query.org)
          : req.query.email
            ? await svc.connectionForEmail(ctx, req.query.email)
            : null;
        if (!found) return { method: 'password' as const };
        if (req.query.check === 'true') return { method: 'sso' as const, organization: found.orgName };
        const { url, browserToken } = await svc.startLogin(ctx, { conn: found.conn, mode: 'sign_in', loginHint: req.query.email });
        bindBrowser(reply, browserToken);
        if (String(req.headers.accept ?? '').includes('application/json'))
          return { method: 'sso' as const, redirectUrl: url, organization: found.orgName };
        return reply.redirect(url, 302);
      },
    );

    app.post(
      `${COOKIE_PATH}/link`,
      {
        config: { auth: 'account' },
        schema: {
          tags,
          summary: 'Link single sign-on to the signed-in account (its address’s domain connection)',
          response: { 200: s.redirectOut },
        },
      },
      async (req, reply) => {
        const me = actorOf(req);
        const found = await svc.connectionForEmail(ctx, me.email);
        if (!found) throw new AppError(404, 'sso_not_configured', 'No single sign-on is set up for your address’s domain.');
        const { url, browserToken } = await svc.startLogin(ctx, { conn: found.conn, mode: 'link', accountId: me.id, loginHint: me.email });
        bindBrowser(reply, browserToken);
        return { redirectUrl: url };
      },
    );

    app.get(
      `${COOKIE_PATH}/callback`,
      {
        config: { auth: 'public', ...limited },
        schema: { tags, summary: 'Where the identity provider sends the browser back', querystring: s.callbackQuery },
      },
      async (req, reply) => {
        const appUrl = ctx.config.appUrl;
        reply.clearCookie(COOKIE, { path: COOKIE_PATH });
        try {
          const res = await svc.completeLogin(ctx, {
            query: Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string')),
            browserToken: req.cookies[COOKIE],
            ip: req.ip,
          });
          if (res.mode === 'test') return reply.redirect(`${appUrl}/orgs/${res.orgId}/settings?ssoTested=${res.connectionId}`, 302);
          await startSession(ctx, req, reply, res.accountId);
          return reply.redirect(res.mode === 'link' ? `${appUrl}/account?sso=linked` : `${appUrl}/`, 302);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          req.log.info({ code: err.code, details: err.details }, 'sso sign-in refused');
          return reply.redirect(`${appUrl}/sign-in?ssoError=${encodeURIComponent(err.code)}`, 302);
        }
      },
    );
  };
