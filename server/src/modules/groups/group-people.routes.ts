import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgOf } from '../../http/auth.js';
import type { Role } from '../../http/permissions.js';
import { page } from '../../lib/pagination.js';
import { toIso } from '../../lib/time.js';
import type { PersonRow } from './group-people.service.js';
import * as svc from './group-people.service.js';
import { actorFrom } from '../../http/actor.js';
import * as s from './groups.schemas.js';

const presentMember = (p: PersonRow) => ({
  accountId: p.accountId,
  name: p.name,
  email: p.email,
  role: p.role as Role,
  status: p.status,
  addedAt: toIso(p.addedAt),
});
const presentObserver = ({ status: _s, ...p }: PersonRow) => ({
  accountId: p.accountId,
  name: p.name,
  email: p.email,
  role: p.role as Role,
  addedAt: toIso(p.addedAt),
});

/** Members and observers of a group. */
export const groupPeopleRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['groups'];
    const base = '/api/v1/orgs/:orgId/groups/:groupId';

    app.get(
      `${base}/members`,
      {
        config: { auth: 'groups.read' },
        schema: {
          tags,
          summary: 'Direct members of the group, by name',
          params: s.groupParams,
          querystring: s.peopleQuery,
          response: { 200: page(s.groupMemberOut) },
        },
      },
      async (req) => {
        const res = await svc.listMembers(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId, ...req.query });
        return { items: res.items.map(presentMember), nextCursor: res.nextCursor };
      },
    );

    app.post(
      `${base}/members`,
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Add active members of the organization (up to 10,000) and enrol them in the group’s sessions',
          params: s.groupParams,
          body: s.accountIdsBody,
          response: { 200: s.addedOut },
        },
      },
      async (req) => {
        return {
          added: await svc.addMembers(ctx, {
            actor: actorFrom(req),
            orgId: orgOf(req).orgId,
            groupId: req.params.groupId,
            accountIds: req.body.accountIds,
          }),
        };
      },
    );

    app.delete(
      `${base}/members/:accountId`,
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Remove a member from the group (started enrolments stay)',
          params: s.groupMemberParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await svc.removeMember(ctx, {
          actor: actorFrom(req),
          orgId: orgOf(req).orgId,
          groupId: req.params.groupId,
          accountId: req.params.accountId.toLowerCase(),
        });
        return reply.code(204).send(null);
      },
    );

    app.get(
      `${base}/observers`,
      {
        config: { auth: 'groups.read' },
        schema: { tags, params: s.groupParams, querystring: s.peopleQuery, response: { 200: page(s.observerOut) } },
      },
      async (req) => {
        const res = await svc.listObservers(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId, ...req.query });
        return { items: res.items.map(presentObserver), nextCursor: res.nextCursor };
      },
    );

    app.post(
      `${base}/observers`,
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Make owners, admins or managers observers of the group',
          params: s.groupParams,
          body: s.accountIdsBody,
          response: { 200: s.addedOut },
        },
      },
      async (req) => {
        return {
          added: await svc.addObservers(ctx, {
            actor: actorFrom(req),
            orgId: orgOf(req).orgId,
            groupId: req.params.groupId,
            accountIds: req.body.accountIds,
          }),
        };
      },
    );

    app.delete(
      `${base}/observers/:accountId`,
      { config: { auth: 'groups.manage' }, schema: { tags, params: s.groupMemberParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await svc.removeObserver(ctx, {
          actor: actorFrom(req),
          orgId: orgOf(req).orgId,
          groupId: req.params.groupId,
          accountId: req.params.accountId.toLowerCase(),
        });
        return reply.code(204).send(null);
      },
    );
  };
