import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgOf } from '../../http/auth.js';
import { listQuery, page } from '../../lib/pagination.js';
import { toIso } from '../../lib/time.js';
import { statusAt } from '../programs/programs.schemas.js';
import { actorFrom } from '../../http/actor.js';
import * as svc from './assignments.service.js';
import * as s from './groups.schemas.js';

/** Program sessions attached to a group (they apply to its members and to its sub-groups' members). */
export const assignmentRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['groups'];
    const base = '/api/v1/orgs/:orgId/groups/:groupId/assignments';
    const present = (a: svc.AssignmentRow) => ({
      groupId: a.groupId,
      sessionId: a.sessionId,
      programId: a.programId,
      programTitle: a.programTitle,
      opensAt: toIso(a.opensAt),
      closesAt: toIso(a.closesAt),
      status: statusAt(a.opensAt, a.closesAt, ctx.clock.now()),
      assignedAt: toIso(a.assignedAt),
    });

    app.get(
      base,
      {
        config: { auth: 'groups.read' },
        schema: {
          tags,
          summary: 'Sessions attached to the group, by opening date',
          params: s.groupParams,
          querystring: z.object(listQuery),
          response: { 200: page(s.assignmentOut) },
        },
      },
      async (req) => {
        const res = await svc.listAssignments(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId, ...req.query });
        return { items: res.items.map(present), nextCursor: res.nextCursor };
      },
    );

    app.post(
      base,
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Attach a session to the group; enrols its members and its sub-groups’ members',
          params: s.groupParams,
          body: s.assignmentBody,
          response: { 201: s.attachedOut },
        },
      },
      async (req, reply) => {
        const a = await svc.attachSession(ctx, {
          actor: actorFrom(req),
          orgId: orgOf(req).orgId,
          groupId: req.params.groupId,
          sessionId: req.body.sessionId,
        });
        return reply.code(201).send({ ...present(a), enrolled: a.enrolled });
      },
    );

    app.delete(
      `${base}/:sessionId`,
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Detach a session; not-started enrolments no other group justifies go',
          params: s.assignmentParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await svc.detachSession(ctx, {
          actor: actorFrom(req),
          orgId: orgOf(req).orgId,
          groupId: req.params.groupId,
          sessionId: req.params.sessionId,
        });
        return reply.code(204).send(null);
      },
    );
  };
