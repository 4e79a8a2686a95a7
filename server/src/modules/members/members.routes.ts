import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { invalidField } from '../../http/errors.js';
import type { Role } from '../../http/permissions.js';
import { page } from '../../lib/pagination.js';
import { toIso } from '../../lib/time.js';
import { countMembers, listMembers, type MemberRow } from './list.service.js';
import * as s from './members.schemas.js';
import * as svc from './members.service.js';
import { getMember, patchMember } from './member-detail.service.js';

const present = (r: MemberRow) => ({ ...r, role: r.role as Role, createdAt: toIso(r.createdAt), lastLoginAt: toIso(r.lastLoginAt) });

export const membersRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['members'];
    const actor = (req: Parameters<typeof actorOf>[0]) => ({ ...actorOf(req), ip: req.ip, role: orgOf(req).role });

    app.get(
      '/api/v1/orgs/:orgId/members',
      {
        config: { auth: 'members.read' },
        schema: {
          tags,
          summary: 'People known to the organization: members, and invitees (email only until they accept)',
          params: s.orgParams,
          querystring: s.listMembersQuery,
          response: { 200: page(s.memberOut) },
        },
      },
      async (req) => {
        const res = await listMembers(ctx, { ...req.query, orgId: orgOf(req).orgId, scope: orgOf(req).scope, now: ctx.clock.now() });
        return { items: res.items.map(present), nextCursor: res.nextCursor };
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/members/counts',
      {
        config: { auth: 'members.read' },
        schema: {
          tags,
          summary: 'How many people per status',
          params: s.orgParams,
          querystring: s.countsQuery,
          response: { 200: s.countsOut },
        },
      },
      async (req) => {
        return countMembers(ctx, { ...req.query, orgId: orgOf(req).orgId, scope: orgOf(req).scope, now: ctx.clock.now() });
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/members',
      {
        config: { auth: 'members.manage' },
        schema: {
          tags,
          summary: 'Create a managed account at once; it gets a link to set its password',
          params: s.orgParams,
          body: s.createMemberBody,
          response: { 201: s.createdMemberOut },
        },
      },
      async (req, reply) => {
        const created = await svc.createManagedMember(ctx, { actor: actor(req), orgId: orgOf(req).orgId, ...req.body });
        return reply.code(201).send(created);
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/members/:accountId',
      {
        config: { auth: 'members.read' },
        schema: { tags, summary: 'One member, with profile-field values', params: s.memberParams, response: { 200: s.memberDetailOut } },
      },
      async (req) => getMember(ctx, { orgId: orgOf(req).orgId, accountId: req.params.accountId, scope: orgOf(req).scope }),
    );

    app.patch(
      '/api/v1/orgs/:orgId/members/:accountId',
      {
        config: { auth: 'members.manage' },
        schema: {
          tags,
          summary: 'Change a member’s role and/or profile-field values (rule-based groups follow)',
          params: s.memberParams,
          body: s.patchMemberBody,
          response: { 200: s.patchMemberOut },
        },
      },
      async (req) => patchMember(ctx, { actor: actor(req), orgId: orgOf(req).orgId, accountId: req.params.accountId, ...req.body }),
    );

    for (const action of ['archive', 'restore'] as const) {
      app.post(
        `/api/v1/orgs/:orgId/members/:accountId/${action}`,
        {
          config: { auth: 'members.manage' },
          schema: { tags, params: s.memberParams, response: { 200: z.object({ affected: z.number() }) } },
        },
        async (req) => {
          return {
            affected: await svc.setArchived(ctx, {
              actor: actor(req),
              orgId: orgOf(req).orgId,
              accountIds: [req.params.accountId],
              archived: action === 'archive',
            }),
          };
        },
      );
    }

    app.post(
      '/api/v1/orgs/:orgId/members/bulk',
      {
        config: { auth: 'members.manage' },
        schema: {
          tags,
          summary: 'Archive, restore, add to or remove from a group, many members at once',
          params: s.orgParams,
          body: s.bulkBody,
          response: { 200: z.object({ affected: z.number() }) },
        },
      },
      async (req) => {
        const { action, accountIds, groupId } = req.body;
        const o = { actor: actor(req), orgId: orgOf(req).orgId, accountIds };
        if (action === 'archive' || action === 'restore')
          return { affected: await svc.setArchived(ctx, { ...o, archived: action === 'archive' }) };
        if (!groupId) throw invalidField('groupId', 'Choose a group.');
        return { affected: await svc.changeGroup(ctx, { ...o, groupId, add: action === 'add_to_group' }) };
      },
    );
  };
