import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import type { Role } from '../../http/permissions.js';
import { toIso } from '../../lib/time.js';
import * as s from './passcodes.schemas.js';
import * as svc from './passcodes.service.js';

type Row = Awaited<ReturnType<typeof svc.getPasscode>>;
const present = (p: Row) => ({
  id: p.id,
  name: p.name,
  capacity: p.capacity,
  used: p.used,
  enabled: p.enabled,
  role: p.role as Role,
  groupIds: p.groupIds,
  message: p.message,
  createdAt: toIso(p.createdAt),
});

export const passcodesRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['invitations'];
    const actor = (req: Parameters<typeof actorOf>[0]) => ({ ...actorOf(req), ip: req.ip, role: orgOf(req).role });
    const base = '/api/v1/orgs/:orgId/passcode-invitations';

    app.post(
      base,
      {
        config: { auth: 'invitations.manage' },
        schema: {
          tags,
          summary: 'Create a passcode invitation with a registration cap',
          params: s.orgParams,
          body: s.createPasscodeBody,
          response: { 201: s.passcodeOut },
        },
      },
      async (req, reply) => {
        return reply.code(201).send(present(await svc.createPasscode(ctx, { actor: actor(req), orgId: orgOf(req).orgId, ...req.body })));
      },
    );
    app.get(
      base,
      {
        config: { auth: 'invitations.read' },
        schema: { tags, params: s.orgParams, response: { 200: z.object({ items: z.array(s.passcodeOut), nextCursor: z.null() }) } },
      },
      async (req) => {
        return { items: (await svc.listPasscodes(ctx, orgOf(req))).map(present), nextCursor: null };
      },
    );
    app.get(
      `${base}/:passcodeId`,
      { config: { auth: 'invitations.read' }, schema: { tags, params: s.passcodeParams, response: { 200: s.passcodeOut } } },
      async (req) => {
        return present(await svc.getPasscode(ctx, { orgId: orgOf(req).orgId, passcodeId: req.params.passcodeId }));
      },
    );
    app.patch(
      `${base}/:passcodeId`,
      {
        config: { auth: 'invitations.manage' },
        schema: {
          tags,
          summary: 'Rename, disable or re-enable, change the cap',
          params: s.passcodeParams,
          body: s.patchPasscodeBody,
          response: { 200: s.passcodeOut },
        },
      },
      async (req) => {
        return present(
          await svc.updatePasscode(ctx, { actor: actor(req), orgId: orgOf(req).orgId, passcodeId: req.params.passcodeId, ...req.body }),
        );
      },
    );
    app.get(
      `${base}/:passcodeId/redemptions`,
      {
        config: { auth: 'invitations.read' },
        schema: {
          tags,
          summary: 'Who joined with this passcode',
          params: s.passcodeParams,
          response: { 200: z.object({ items: z.array(s.redemptionOut) }) },
        },
      },
      async (req) => {
        const rows = await svc.listRedemptions(ctx, { orgId: orgOf(req).orgId, passcodeId: req.params.passcodeId });
        return { items: rows.map((r) => ({ ...r, joinedAt: toIso(r.joinedAt) })) };
      },
    );

    // Passcodes are short by design: limit attempts per IP and per account.
    const { max, windowMs } = ctx.config.rateLimits.auth;
    app.post(
      '/api/v1/passcodes/redeem',
      {
        config: { auth: 'account', limitedBy: { max, windowMs, keys: (req) => [`ip:${req.ip}`, `acct:${req.account?.id ?? req.ip}`] } },
        schema: { tags, summary: 'Join with a passcode (signed in)', body: s.redeemBody, response: { 200: s.redeemOut } },
      },
      async (req) => {
        return svc.redeemPasscode(ctx, { account: actorOf(req), passcode: req.body.passcode, ip: req.ip });
      },
    );
  };
