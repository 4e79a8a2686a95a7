import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { grantableRoles, permissionsOf, type Role } from '../../http/permissions.js';
import { endSession, startSession } from '../../http/sessions.js';
import { toIso } from '../../lib/time.js';
import * as s from './accounts.schemas.js';
import * as svc from './accounts.service.js';

type AccountRow = { id: string; email: string; name: string; locale: string; verifiedAt: string | null };
const present = (a: AccountRow) => ({ id: a.id, email: a.email, name: a.name, locale: a.locale, verifiedAt: toIso(a.verifiedAt) });

export const accountsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const { max, windowMs } = ctx.config.rateLimits.auth;
    const limited = { rateLimit: { max, timeWindow: windowMs } };
    const tags = ['accounts'];

    app.post(
      '/api/v1/auth/register',
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'Create an account and mail a verification link',
          body: s.registerBody,
          response: { 201: z.object({ status: z.literal('verification_sent') }) },
        },
      },
      async (req, reply) => {
        await svc.registerAccount(ctx, { ...req.body, ip: req.ip });
        return reply.code(201).send({ status: 'verification_sent' as const });
      },
    );

    app.post(
      '/api/v1/auth/resend-verification',
      {
        config: { auth: 'public', ...limited },
        schema: { tags, body: s.emailOnlyBody, response: { 202: z.object({ status: z.literal('accepted') }) } },
      },
      async (req, reply) => {
        await svc.resendVerification(ctx, req.body);
        return reply.code(202).send({ status: 'accepted' as const });
      },
    );

    app.post(
      '/api/v1/auth/verify-email',
      {
        config: { auth: 'public', ...limited },
        schema: { tags, body: s.tokenBody, response: { 200: z.object({ status: z.literal('verified') }) } },
      },
      async (req) => {
        await svc.verifyEmail(ctx, { token: req.body.token, ip: req.ip });
        return { status: 'verified' as const };
      },
    );

    app.post(
      '/api/v1/auth/login',
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'Sign in; sets the session cookie',
          body: s.loginBody,
          response: { 200: z.object({ account: s.accountOut }) },
        },
      },
      async (req, reply) => {
        const account = await svc.signIn(ctx, { ...req.body, ip: req.ip });
        await startSession(ctx, req, reply, account.id);
        return { account: present(account) };
      },
    );

    app.post('/api/v1/auth/logout', { config: { auth: 'public' }, schema: { tags, response: { 204: z.null() } } }, async (req, reply) => {
      await endSession(ctx, req, reply);
      return reply.code(204).send(null);
    });

    app.post(
      '/api/v1/auth/forgot-password',
      {
        config: { auth: 'public', ...limited },
        schema: { tags, body: s.emailOnlyBody, response: { 202: z.object({ status: z.literal('accepted') }) } },
      },
      async (req, reply) => {
        await svc.forgotPassword(ctx, { ...req.body, ip: req.ip });
        return reply.code(202).send({ status: 'accepted' as const });
      },
    );

    app.post(
      '/api/v1/auth/reset-password',
      {
        config: { auth: 'public', ...limited },
        schema: { tags, body: s.resetBody, response: { 200: z.object({ status: z.literal('password_changed') }) } },
      },
      async (req) => {
        await svc.resetPassword(ctx, { ...req.body, ip: req.ip });
        return { status: 'password_changed' as const };
      },
    );

    app.post(
      '/api/v1/auth/set-password',
      {
        config: { auth: 'public', ...limited },
        schema: {
          tags,
          summary: 'Set the first password of a managed account',
          body: s.resetBody,
          response: { 200: z.object({ status: z.literal('password_changed') }) },
        },
      },
      async (req) => {
        await svc.resetPassword(ctx, { ...req.body, ip: req.ip, purpose: 'set_password' });
        return { status: 'password_changed' as const };
      },
    );

    app.get(
      '/api/v1/me',
      { config: { auth: 'account' }, schema: { tags, summary: 'The signed-in account and its memberships', response: { 200: s.meOut } } },
      async (req) => {
        const account = await svc.findAccount(ctx, actorOf(req).id);
        const memberships = await svc.listActiveMemberships(ctx, actorOf(req).id);
        return {
          account: present(account!),
          memberships: memberships.map((m) => ({
            ...m,
            role: m.role as Role,
            permissions: permissionsOf(m.role),
            grantableRoles: grantableRoles(m.role),
          })),
        };
      },
    );

    app.patch(
      '/api/v1/me',
      { config: { auth: 'account' }, schema: { tags, body: s.updateMeBody, response: { 200: s.accountOut } } },
      async (req) => {
        return present(await svc.updateProfile(ctx, { accountId: actorOf(req).id, ...req.body }));
      },
    );
  };
