import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import * as svc from './digest-prefs.service.js';
import * as s from './observers.schemas.js';

/** Digest preferences: the account page's (signed in), and the digest's own links (a signed token, no session). */
export const observersRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['observers'];
    const limited = { rateLimit: { max: ctx.config.rateLimits.auth.max * 3, timeWindow: ctx.config.rateLimits.auth.windowMs } };
    // RFC 8058: the mail provider POSTs `List-Unsubscribe=One-Click` as a form; its content is not needed.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, _body, done) =>
      done(null, undefined),
    );

    app.get(
      '/api/v1/me/digest-preferences',
      {
        config: { auth: 'account' },
        schema: { tags, summary: 'How often the digest of each observed group comes', response: { 200: s.digestPrefsOut } },
      },
      async (req) => svc.myDigestPrefs(ctx, { accountId: actorOf(req).id }),
    );

    app.put(
      '/api/v1/me/digest-preferences/:groupId',
      {
        config: { auth: 'account' },
        schema: { tags, params: s.groupIdParams, body: s.setPrefBody, response: { 200: s.digestPrefsOut } },
      },
      async (req) => svc.setMyDigestPref(ctx, { accountId: actorOf(req).id, groupId: req.params.groupId, ...req.body }),
    );

    app.get(
      '/api/v1/digest/unsubscribe',
      {
        config: { auth: 'public', ...limited },
        schema: { tags, summary: 'Opened by a person (not the one-click POST): goes to the page that asks', querystring: s.tokenQuery },
      },
      async (req, reply) => reply.redirect(`${ctx.config.appUrl}/digest?token=${encodeURIComponent(req.query.token)}`, 303),
    );

    app.post(
      '/api/v1/digest/unsubscribe',
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'One-click unsubscribe (RFC 8058, List-Unsubscribe-Post): no session, the signed token decides',
          querystring: s.tokenQuery,
          response: { 200: s.unsubscribedOut },
        },
      },
      async (req) => svc.unsubscribeByToken(ctx, req.query.token),
    );

    app.get(
      '/api/v1/digest/preferences',
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'The groups of a digest and their frequency, from its signed link',
          querystring: s.tokenQuery,
          response: { 200: s.digestPrefsOut },
        },
      },
      async (req) => svc.digestPrefsByToken(ctx, req.query.token),
    );

    app.put(
      '/api/v1/digest/preferences',
      {
        config: { auth: 'public', ...limited },
        schema: { tags, querystring: s.tokenQuery, body: s.tokenPrefBody, response: { 200: s.digestPrefsOut } },
      },
      async (req) => svc.setDigestPrefByToken(ctx, { token: req.query.token, ...req.body }),
    );
  };
