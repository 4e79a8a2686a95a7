import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { page } from '../../lib/pagination.js';
import { toIso } from '../../lib/time.js';
import { actorFrom } from '../../http/actor.js';
import { imageUrl } from '../groups/group-images.service.js';
import { statusAt } from '../programs/programs.schemas.js';
import * as s from './enrolments.schemas.js';
import type { MyEnrolmentRow, OrgEnrolmentRow } from './enrolments.service.js';
import * as svc from './enrolments.service.js';
import { z } from 'zod';

/** The learner's home, enrolments, progress and certificates; the organization's enrolment list. */
export const enrolmentsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['enrolments'];
    const progressFields = (
      e: Omit<MyEnrolmentRow, 'orgId' | 'orgName' | 'programDescription' | 'referentId' | 'referentName' | 'referentEmail'>,
    ) => ({
      id: e.id,
      programId: e.programId,
      programTitle: e.programTitle,
      sessionId: e.sessionId,
      opensAt: toIso(e.opensAt),
      closesAt: toIso(e.closesAt),
      status: statusAt(e.opensAt, e.closesAt, ctx.clock.now()),
      percent: Number(e.percent),
      startedAt: toIso(e.startedAt),
      completedAt: toIso(e.completedAt),
      certificateId: e.certificateId,
    });
    const presentMine = (e: MyEnrolmentRow) => ({
      ...progressFields(e),
      orgId: e.orgId,
      orgName: e.orgName,
      programDescription: e.programDescription,
      referent: e.referentId ? { id: e.referentId, name: e.referentName ?? '', email: e.referentEmail ?? '' } : null,
      dueAt: toIso(e.dueAt),
      late: !e.completedAt && e.dueAt !== null && new Date(e.dueAt).getTime() <= ctx.clock.now().getTime(),
    });
    const presentOrg = (e: OrgEnrolmentRow) => ({
      ...progressFields(e),
      accountId: e.accountId,
      name: e.name,
      email: e.email,
      memberStatus: e.memberStatus,
    });

    app.get(
      '/api/v1/me/home',
      {
        config: { auth: 'account' },
        schema: { tags, summary: 'The signed-in learner’s groups and enrolments, per organization', response: { 200: s.homeOut } },
      },
      async (req) => {
        const orgs = await svc.getHome(ctx, { accountId: actorOf(req).id });
        return {
          organizations: orgs.map((org) => ({
            orgId: org.orgId,
            orgName: org.orgName,
            membershipStatus: org.status,
            groups: org.groups.map((g) => ({
              id: g.id,
              name: g.name,
              welcomeMessage: g.welcomeMessage,
              logoUrl: imageUrl(org.orgId, g.id, 'logo', g.logoKey),
              backgroundUrl: imageUrl(org.orgId, g.id, 'background', g.backgroundKey),
              team: g.team,
            })),
            enrolments: org.enrolments.map(({ orgId: _o, orgName: _n, ...e }) => {
              const { orgId: _a, orgName: _b, ...rest } = presentMine({ ...e, orgId: org.orgId, orgName: org.orgName });
              return rest;
            }),
          })),
        };
      },
    );

    app.get(
      '/api/v1/me/enrolments',
      {
        config: { auth: 'account' },
        schema: {
          tags,
          summary: 'The signed-in learner’s enrolments, by session opening date',
          querystring: s.myEnrolmentsQuery,
          response: { 200: page(s.myEnrolmentOut) },
        },
      },
      async (req) => {
        const res = await svc.listMyEnrolments(ctx, { accountId: actorOf(req).id, ...req.query });
        return { items: res.items.map(presentMine), nextCursor: res.nextCursor };
      },
    );

    app.post(
      '/api/v1/me/enrolments/:enrolmentId/progress',
      {
        config: { auth: 'account' },
        schema: {
          tags,
          summary: 'Record progress (0–100, never decreasing; 100 completes and issues a certificate)',
          params: s.enrolmentParams,
          body: s.progressBody,
          response: { 200: s.myEnrolmentOut },
        },
      },
      async (req) => {
        return presentMine(
          await svc.recordProgress(ctx, { actor: actorFrom(req), enrolmentId: req.params.enrolmentId, percent: req.body.percent }),
        );
      },
    );

    // issue 12: progress reported by another system (API key with enrolments:write).
    app.post(
      '/api/v1/orgs/:orgId/enrolments/:enrolmentId/progress',
      {
        config: { auth: 'enrolments.report' },
        schema: {
          tags,
          summary: 'Report progress from another system (0–100, never decreasing; 100 completes and issues a certificate)',
          params: s.enrolmentParams.extend({ orgId: z.string() }),
          body: s.progressBody.meta({ example: { percent: 100 } }),
          response: {
            200: s.progressResult,
          },
        },
      },
      async (req) =>
        svc.reportProgress(ctx, {
          actor: actorFrom(req),
          orgId: orgOf(req).orgId,
          enrolmentId: req.params.enrolmentId,
          percent: req.body.percent,
        }),
    );

    app.get(
      '/api/v1/certificates/:certificateId',
      {
        config: { auth: 'account' },
        schema: {
          tags,
          summary: 'What a printable certificate shows (its owner, or staff of the issuing organization)',
          params: s.certificateParams,
          response: { 200: s.certificateOut },
        },
      },
      async (req) => {
        const c = await svc.getCertificate(ctx, { accountId: actorOf(req).id, certificateId: req.params.certificateId });
        return {
          id: c.id,
          learnerName: c.learnerName,
          programTitle: c.programTitle,
          organizationName: c.organizationName,
          orgId: c.orgId,
          sessionOpensAt: toIso(c.sessionOpensAt),
          sessionClosesAt: toIso(c.sessionClosesAt),
          issuedAt: toIso(c.issuedAt),
        };
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/enrolments',
      {
        config: { auth: 'programs.read' },
        schema: {
          tags,
          summary: 'The organization’s enrolments, newest first (archived members: completed ones only)',
          params: z.object({ orgId: z.string() }),
          querystring: s.orgEnrolmentsQuery,
          response: { 200: page(s.orgEnrolmentOut) },
        },
      },
      async (req) => {
        const res = await svc.listOrgEnrolments(ctx, { orgId: orgOf(req).orgId, scope: orgOf(req).scope, ...req.query });
        return { items: res.items.map(presentOrg), nextCursor: res.nextCursor };
      },
    );
  };
