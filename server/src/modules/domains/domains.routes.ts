import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorFrom } from '../../http/actor.js';
import { orgOf } from '../../http/auth.js';
import * as s from './domains.schemas.js';
import * as svc from './domains.service.js';

/** Settings → Domains: claim a domain, prove it by DNS, choose what it allows (owners, admins). */
export const domainsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['domains'];
    const auth = 'domains.manage' as const;
    // A DNS lookup per verification: a few a minute per address is plenty.
    const { max, windowMs } = ctx.config.rateLimits.auth;
    const limited = { rateLimit: { max: max * 3, timeWindow: windowMs } };

    app.get(
      '/api/v1/orgs/:orgId/domains',
      {
        config: { auth },
        schema: { tags, summary: 'The organization’s domains, verified or not', params: s.orgParams, response: { 200: s.domainListOut } },
      },
      async (req) => ({ items: await svc.listOrgDomains(ctx, { orgId: orgOf(req).orgId }), nextCursor: null }),
    );

    app.post(
      '/api/v1/orgs/:orgId/domains',
      {
        config: { auth },
        schema: {
          tags,
          summary: 'Claim a domain; the answer holds the TXT record that proves it',
          description: 'Lower case, punycode, no trailing dot. Public mail domains answer 422 `public_mail_domain`.',
          params: s.orgParams,
          body: s.addDomainBody,
          response: { 201: s.domainOut },
        },
      },
      async (req, reply) => reply.code(201).send(await svc.addDomain(ctx, { actor: actorFrom(req), orgId: orgOf(req).orgId, ...req.body })),
    );

    app.post(
      '/api/v1/orgs/:orgId/domains/:domainId/verify',
      {
        config: { auth, ...limited },
        schema: {
          tags,
          summary: 'Look the TXT record up now: 200 verified, or 422 `domain_not_verified` with the values found',
          params: s.domainParams,
          response: { 200: s.domainOut },
        },
      },
      async (req) => svc.verifyDomain(ctx, { actor: actorFrom(req), orgId: orgOf(req).orgId, domainId: req.params.domainId }),
    );

    app.patch(
      '/api/v1/orgs/:orgId/domains/:domainId',
      {
        config: { auth },
        schema: {
          tags,
          summary: 'What a verified domain allows: none, suggest (ask to join) or auto_join (learner in its groups)',
          params: s.domainParams,
          body: s.updateDomainBody,
          response: { 200: s.domainOut },
        },
      },
      async (req) =>
        svc.updateDomainPolicy(ctx, { actor: actorFrom(req), orgId: orgOf(req).orgId, domainId: req.params.domainId, ...req.body }),
    );

    app.delete(
      '/api/v1/orgs/:orgId/domains/:domainId',
      {
        config: { auth },
        schema: { tags, summary: 'Remove a domain', params: s.domainParams, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await svc.removeDomain(ctx, { actor: actorFrom(req), orgId: orgOf(req).orgId, domainId: req.params.domainId });
        return reply.code(204).send(null);
      },
    );
  };
