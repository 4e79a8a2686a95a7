import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgOf } from '../../http/auth.js';
import { page } from '../../lib/pagination.js';
import { toIso } from '../../lib/time.js';
import { actorFrom } from '../../http/actor.js';
import * as s from './programs.schemas.js';
import type { ProgramRow, SessionRow } from './programs.service.js';
import * as svc from './programs.service.js';

const presentProgram = (p: ProgramRow) => ({
  id: p.id,
  title: p.title,
  description: p.description,
  referent: p.referentId ? { id: p.referentId, name: p.referentName ?? '', email: p.referentEmail ?? '' } : null,
  sessionCount: p.sessionCount,
  createdAt: toIso(p.createdAt),
  updatedAt: toIso(p.updatedAt),
});

/** Programs (trainings) and their sessions. */
export const programsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['programs'];
    const presentSession = (x: SessionRow) => ({
      id: x.id,
      programId: x.programId,
      opensAt: toIso(x.opensAt),
      closesAt: toIso(x.closesAt),
      dueDaysAfterEnrolment: x.dueDaysAfterEnrolment,
      remindDaysBefore: x.remindDaysBefore,
      remindWhenLate: x.remindWhenLate,
      status: s.statusAt(x.opensAt, x.closesAt, ctx.clock.now()),
      groupCount: x.groupCount,
      enrolmentCount: x.enrolmentCount,
      createdAt: toIso(x.createdAt),
      updatedAt: toIso(x.updatedAt),
    });
    const programUrl = '/api/v1/orgs/:orgId/programs/:programId';

    app.get(
      '/api/v1/orgs/:orgId/programs',
      {
        config: { auth: 'programs.read' },
        schema: {
          tags,
          summary: 'List programs, by title',
          params: s.orgParams,
          querystring: s.listProgramsQuery,
          response: { 200: page(s.programOut) },
        },
      },
      async (req) => {
        const res = await svc.listPrograms(ctx, { orgId: orgOf(req).orgId, ...req.query });
        return { items: res.items.map(presentProgram), nextCursor: res.nextCursor };
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/programs',
      {
        config: { auth: 'programs.manage' },
        schema: { tags, params: s.orgParams, body: s.createProgramBody, response: { 201: s.programOut } },
      },
      async (req, reply) => {
        const { orgId } = orgOf(req);
        const programId = await svc.createProgram(ctx, { actor: actorFrom(req), orgId, ...req.body });
        return reply.code(201).send(presentProgram(await svc.getProgram(ctx, { orgId, programId })));
      },
    );

    app.get(
      programUrl,
      { config: { auth: 'programs.read' }, schema: { tags, params: s.programParams, response: { 200: s.programOut } } },
      async (req) => {
        return presentProgram(await svc.getProgram(ctx, { orgId: orgOf(req).orgId, programId: req.params.programId }));
      },
    );

    app.patch(
      programUrl,
      {
        config: { auth: 'programs.manage' },
        schema: { tags, params: s.programParams, body: s.updateProgramBody, response: { 200: s.programOut } },
      },
      async (req) => {
        const { orgId } = orgOf(req);
        await svc.updateProgram(ctx, { actor: actorFrom(req), orgId, programId: req.params.programId, ...req.body });
        return presentProgram(await svc.getProgram(ctx, { orgId, programId: req.params.programId }));
      },
    );

    app.delete(
      programUrl,
      {
        config: { auth: 'programs.manage' },
        schema: {
          tags,
          summary: 'Delete a program (409 program_has_progress once a learner started it)',
          params: s.programParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await svc.deleteProgram(ctx, { actor: actorFrom(req), orgId: orgOf(req).orgId, programId: req.params.programId });
        return reply.code(204).send(null);
      },
    );

    app.get(
      `${programUrl}/sessions`,
      {
        config: { auth: 'programs.read' },
        schema: {
          tags,
          summary: 'Sessions of a program, by opening date',
          params: s.programParams,
          querystring: s.listSessionsQuery,
          response: { 200: page(s.sessionOut) },
        },
      },
      async (req) => {
        const res = await svc.listSessions(ctx, { orgId: orgOf(req).orgId, programId: req.params.programId, ...req.query });
        return { items: res.items.map(presentSession), nextCursor: res.nextCursor };
      },
    );

    app.post(
      `${programUrl}/sessions`,
      {
        config: { auth: 'programs.manage' },
        schema: {
          tags,
          summary: 'Add a session (closesAt optional, after opensAt)',
          params: s.programParams,
          body: s.createSessionBody,
          response: { 201: s.sessionOut },
        },
      },
      async (req, reply) => {
        const o = { orgId: orgOf(req).orgId, programId: req.params.programId };
        const sessionId = await svc.createSession(ctx, { actor: actorFrom(req), ...o, ...req.body });
        return reply.code(201).send(presentSession(await svc.getSession(ctx, { ...o, sessionId })));
      },
    );

    app.get(
      `${programUrl}/sessions/:sessionId`,
      { config: { auth: 'programs.read' }, schema: { tags, params: s.sessionParams, response: { 200: s.sessionOut } } },
      async (req) => {
        return presentSession(
          await svc.getSession(ctx, { orgId: orgOf(req).orgId, programId: req.params.programId, sessionId: req.params.sessionId }),
        );
      },
    );

    app.patch(
      `${programUrl}/sessions/:sessionId`,
      {
        config: { auth: 'programs.manage' },
        schema: { tags, params: s.sessionParams, body: s.updateSessionBody, response: { 200: s.sessionOut } },
      },
      async (req) => {
        const o = { orgId: orgOf(req).orgId, programId: req.params.programId, sessionId: req.params.sessionId };
        await svc.updateSession(ctx, { actor: actorFrom(req), ...o, ...req.body });
        return presentSession(await svc.getSession(ctx, o));
      },
    );

    app.delete(
      `${programUrl}/sessions/:sessionId`,
      {
        config: { auth: 'programs.manage' },
        schema: {
          tags,
          summary: 'Delete a session (409 session_has_progress once a learner started it)',
          params: s.sessionParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await svc.deleteSession(ctx, {
          actor: actorFrom(req),
          orgId: orgOf(req).orgId,
          programId: req.params.programId,
          sessionId: req.params.sessionId,
        });
        return reply.code(204).send(null);
      },
    );
  };
