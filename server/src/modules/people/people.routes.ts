import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import * as s from './people.schemas.js';
import * as svc from './people.service.js';

export const peopleRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['provisioning'];
    const caller = (req: Parameters<typeof actorOf>[0]) => {
      const org = orgOf(req);
      return { actor: { ...actorOf(req), ip: req.ip, role: org.role }, orgId: org.orgId, permissions: org.permissions };
    };

    app.put(
      '/api/v1/orgs/:orgId/people/:externalId',
      {
        config: { auth: 'members.manage' },
        schema: {
          tags,
          summary: 'Create or update a person by your own id (a managed account or an invitation); the same call again changes nothing',
          description:
            'Sets name, locale (managed accounts), role (never owner or admin) and groups (`groupsMode`: `replace` or `add`); ' +
            "the groups' programs enrol them. 201 when the person is new, 200 otherwise (`changed: false` when nothing was done).",
          params: s.personParams,
          body: s.upsertPersonBody,
          response: { 200: s.personOut, 201: s.personOut },
        },
      },
      async (req, reply) => {
        const { created, ...out } = await svc.upsertPerson(ctx, { ...caller(req), externalId: req.params.externalId, body: req.body });
        return reply.code(created ? 201 : 200).send(out);
      },
    );

    app.delete(
      '/api/v1/orgs/:orgId/people/:externalId',
      {
        config: { auth: 'members.manage' },
        schema: {
          tags,
          summary: 'Archive the person (started training is kept), or cancel their open invitation',
          params: s.personParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await svc.removePerson(ctx, { ...caller(req), externalId: req.params.externalId });
        return reply.code(204).send(null);
      },
    );
  };
