import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { startSession } from '../../http/sessions.js';
import { localeFromHeader } from '../../i18n/index.js';
import { toIso } from '../../lib/time.js';
import * as s from './join-page.schemas.js';
import { joinPageLogo, requestToJoin, viewJoinPage } from './request.service.js';
import { getJoinPageSettings, type JoinPageSettings, updateJoinPageSettings } from './settings.service.js';
import { acceptJoinLink, registerFromJoinLink, viewJoinLink } from './verify.service.js';

/** The join page: its settings for staff, the public page, and the verification link it mails. */
export const joinPageRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const { max, windowMs } = ctx.config.rateLimits.auth;
    const perIp = { rateLimit: { max, timeWindow: windowMs } };
    const reading = { rateLimit: { max: max * 3, timeWindow: windowMs } };
    const present = (p: JoinPageSettings) => ({ ...p, url: `${ctx.config.appUrl}/join/${p.slug}`, updatedAt: toIso(p.updatedAt) });

    const admin = ['join page'];
    app.get(
      '/api/v1/orgs/:orgId/join-page',
      {
        config: { auth: 'members.read' },
        schema: {
          tags: admin,
          summary: 'The join page settings (staff may read; owners, admins and full managers change them)',
          params: s.orgParams,
          response: { 200: s.settingsOut },
        },
      },
      async (req) => {
        return present(await getJoinPageSettings(ctx, { orgId: orgOf(req).orgId }));
      },
    );

    app.put(
      '/api/v1/orgs/:orgId/join-page',
      {
        config: { auth: 'joinpage.manage' },
        schema: {
          tags: admin,
          summary: 'Turn the page on or off, set its address, allowed email domains, groups and locations',
          params: s.orgParams,
          body: s.settingsBody,
          response: { 200: s.settingsOut },
        },
      },
      async (req) => {
        return present(await updateJoinPageSettings(ctx, { actor: { ...actorOf(req), ip: req.ip }, orgId: orgOf(req).orgId, ...req.body }));
      },
    );

    const tags = ['join page (public)'];
    app.get(
      '/api/v1/join/:slug',
      {
        config: { auth: 'public', ...reading },
        schema: {
          tags,
          summary: 'What a visitor sees: organization, logo, groups and locations on offer (404 when off)',
          params: s.slugParams,
          response: { 200: s.publicPageOut },
        },
      },
      async (req) => {
        return viewJoinPage(ctx, req.params.slug);
      },
    );

    app.get(
      '/api/v1/join/:slug/logo',
      {
        config: { auth: 'public', ...reading },
        schema: { tags, summary: 'The logo of the page (the first offered group that has one)', params: s.slugParams },
      },
      async (req, reply) => {
        const img = await joinPageLogo(ctx, req.params.slug);
        reply.header('content-type', img.mime).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=300');
        return reply.send(ctx.storage.stream(img.key));
      },
    );

    app.post(
      '/api/v1/join/:slug',
      {
        config: { auth: 'public', ...perIp },
        schema: {
          tags,
          summary: 'Ask to join: mails a verification link (the same 202 whether or not the address has an account)',
          params: s.slugParams,
          body: s.joinBody,
          response: { 202: s.joinOut },
        },
      },
      async (req, reply) => {
        await requestToJoin(ctx, {
          slug: req.params.slug,
          ...req.body,
          locale: localeFromHeader(req.headers['accept-language']),
          ip: req.ip,
        });
        return reply.code(202).send({ status: 'verification_sent' as const });
      },
    );

    app.get(
      '/api/v1/join/:slug/verify/:token',
      {
        config: { auth: 'public', ...reading },
        schema: {
          tags,
          summary: 'The state of a verification link, its address and whether it has an account (opening never acts)',
          params: s.linkParams,
          response: { 200: s.linkOut },
        },
      },
      async (req) => {
        return viewJoinLink(ctx, req.params.token);
      },
    );

    app.post(
      '/api/v1/join/:slug/verify/:token/accept',
      {
        config: { auth: 'account', ...reading },
        schema: {
          tags,
          summary: 'Join, signed in as the address the link was sent to',
          params: s.linkParams,
          response: { 200: s.joinedOut },
        },
      },
      async (req) => {
        return acceptJoinLink(ctx, { token: req.params.token, account: actorOf(req), ip: req.ip });
      },
    );

    app.post(
      '/api/v1/join/:slug/verify/:token/register',
      {
        config: { auth: 'public', ...reading },
        schema: {
          tags,
          summary: 'Create the account of the verified address, join and sign in',
          params: s.linkParams,
          body: s.registerBody,
          response: { 201: s.joinedOut },
        },
      },
      async (req, reply) => {
        const res = await registerFromJoinLink(ctx, { token: req.params.token, ...req.body, ip: req.ip });
        await startSession(ctx, req, reply, res.accountId);
        return reply.code(201).send({ status: res.status, orgId: res.orgId, groupId: res.groupId, alreadyAccepted: res.alreadyAccepted });
      },
    );
  };
