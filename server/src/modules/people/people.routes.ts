import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { progressBody, progressResult } from '../enrolments/enrolments.schemas.js';
import * as bs from './people-batch.schemas.js';
import * as batches from './people-batch.service.js';
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

    app.post(
      '/api/v1/orgs/:orgId/people-batches',
      {
        config: { auth: 'members.manage' },
        bodyLimit: 16 * 1024 * 1024,
        schema: {
          tags,
          summary: `Create or update up to ${bs.BATCH_MAX} people at once, as a background job`,
          description:
            'Each person is what `PUT /people/{externalId}` takes, plus its `externalId`. Answered 202 with the batch; poll ' +
            '`GET /people-batches/{batchId}` until `status` is `done`, then read the per-person results. The batch is applied ' +
            'in one transaction (each person on its own: one refused person does not stop the others), exactly once, and ' +
            'again by another worker if the one running it dies. Send an `Idempotency-Key` to retry the request safely.',
          params: z.object({ orgId: z.string() }),
          body: bs.createBatchBody,
          response: { 202: bs.batchOut },
        },
      },
      async (req, reply) => {
        const c = caller(req);
        return reply.code(202).send(await batches.createBatch(ctx, { ...c, people: req.body.people }));
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/people-batches/:batchId',
      {
        config: { auth: 'members.read' },
        schema: {
          tags,
          summary: 'A batch: status, progress and counts per outcome',
          params: bs.batchParams,
          response: { 200: bs.batchOut },
        },
      },
      async (req) => batches.getBatch(ctx, { orgId: orgOf(req).orgId, batchId: req.params.batchId }),
    );

    app.get(
      '/api/v1/orgs/:orgId/people-batches/:batchId/results',
      {
        config: { auth: 'members.read' },
        schema: {
          tags,
          summary: 'The per-person results of a batch, in request order',
          params: bs.batchParams,
          querystring: bs.batchResultsQuery,
          response: { 200: bs.batchResultsOut },
        },
      },
      async (req) => batches.listBatchResults(ctx, { orgId: orgOf(req).orgId, batchId: req.params.batchId, ...req.query }),
    );

    app.post(
      '/api/v1/orgs/:orgId/people/:externalId/programs/:programId/progress',
      {
        config: { auth: 'enrolments.report' },
        schema: {
          tags,
          summary: 'Report progress of a person (by your own id) in a program (0–100, never decreasing; 100 completes)',
          description:
            'For the LMS where the training happens: the enrolment is the one of the session open now, else the latest. ' +
            'Needs the `enrolments:write` scope. The same as `POST /enrolments/{enrolmentId}/progress`.',
          params: s.personParams.extend({ programId: z.guid() }),
          body: progressBody.meta({ example: { percent: 100 } }),
          response: {
            200: progressResult,
          },
        },
      },
      async (req) =>
        svc.reportProgramProgress(ctx, {
          ...caller(req),
          externalId: req.params.externalId,
          programId: req.params.programId,
          percent: req.body.percent,
        }),
    );
  };
