import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgOf } from '../../http/auth.js';
import type { Role } from '../../http/permissions.js';
import { page } from '../../lib/pagination.js';
import { toIso } from '../../lib/time.js';
import { forbidden } from '../../http/errors.js';
import { getSeats } from '../seats/seats.service.js';
import { actorFrom } from '../../http/actor.js';
import { assignmentRoutes } from './assignments.routes.js';
import { groupImageRoutes } from './group-images.routes.js';
import { IMAGE_MAX_BYTES, imageUrl } from './group-images.service.js';
import { groupStatsRoutes } from './group-stats.routes.js';
import { groupDashboardRoutes } from './dashboard.routes.js';
import { groupPeopleRoutes } from './group-people.routes.js';
import * as s from './groups.schemas.js';
import type { GroupListRow } from './groups.service.js';
import * as svc from './groups.service.js';

export const presentGroup = (orgId: string, g: GroupListRow) => ({
  id: g.id,
  parentId: g.parentId,
  name: g.name,
  description: g.description,
  welcomeMessage: g.welcomeMessage,
  logoUrl: imageUrl(orgId, g.id, 'logo', g.logoKey),
  backgroundUrl: imageUrl(orgId, g.id, 'background', g.backgroundKey),
  memberCount: g.memberCount,
  subgroupCount: g.subgroupCount,
  createdAt: toIso(g.createdAt),
  updatedAt: toIso(g.updatedAt),
});

type Detail = Awaited<ReturnType<typeof svc.getGroup>>;
const presentDetail = (orgId: string, g: Detail) => ({
  ...presentGroup(orgId, g),
  path: g.path,
  defaultReferent: g.defaultReferent,
  observers: g.observers.map((o) => ({ ...o, role: o.role as Role })),
});

/** Groups, sub-groups, their members, observers, branding and attached sessions. */
export const groupsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Only this plugin's routes accept multipart bodies (group images), up to 5 MB per file.
    await app.register(multipart, { limits: { fileSize: IMAGE_MAX_BYTES, files: 1, fields: 5, parts: 6 }, throwFileSizeLimit: true });
    const tags = ['groups'];
    const detail = async (orgId: string, groupId: string) => ({
      ...presentDetail(orgId, await svc.getGroup(ctx, { orgId, groupId })),
      ...(await getSeats(ctx.db, orgId, groupId)),
    });

    app.get(
      '/api/v1/orgs/:orgId/groups',
      {
        config: { auth: 'groups.read' },
        schema: {
          tags,
          summary: 'List groups (all levels, or the children of parentId), by name',
          params: s.orgParams,
          querystring: s.listGroupsQuery,
          response: { 200: page(s.groupOut) },
        },
      },
      async (req) => {
        const { orgId } = orgOf(req);
        const res = await svc.listGroups(ctx, { orgId, scope: orgOf(req).scope, ...req.query });
        return { items: res.items.map((g) => presentGroup(orgId, g)), nextCursor: res.nextCursor };
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/groups',
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Create a group or a sub-group',
          params: s.orgParams,
          body: s.createGroupBody,
          response: { 201: s.groupDetailOut },
        },
      },
      async (req, reply) => {
        const { orgId } = orgOf(req);
        const id = await svc.createGroup(ctx, { actor: actorFrom(req), orgId, ...req.body });
        return reply.code(201).send(await detail(orgId, id));
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/groups/:groupId',
      { config: { auth: 'groups.read' }, schema: { tags, params: s.groupParams, response: { 200: s.groupDetailOut } } },
      async (req) => {
        return detail(orgOf(req).orgId, req.params.groupId);
      },
    );

    app.patch(
      '/api/v1/orgs/:orgId/groups/:groupId',
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Rename, describe, move (parentId) or set the default referent',
          params: s.groupParams,
          body: s.updateGroupBody,
          response: { 200: s.groupDetailOut },
        },
      },
      async (req) => {
        const { orgId, permissions } = orgOf(req);
        const { seatLimit, ...patch } = req.body;
        if (seatLimit !== undefined && !permissions.includes('seats.manage'))
          throw forbidden('Only owners and administrators set seat limits.');
        if (Object.keys(patch).length > 0 || seatLimit === undefined)
          await svc.updateGroup(ctx, { actor: actorFrom(req), orgId, groupId: req.params.groupId, ...patch });
        if (seatLimit !== undefined)
          await svc.setGroupSeatLimit(ctx, { actor: actorFrom(req), orgId, groupId: req.params.groupId, seatLimit });
        return detail(orgId, req.params.groupId);
      },
    );

    app.delete(
      '/api/v1/orgs/:orgId/groups/:groupId',
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Delete a group; its members stay in the organization',
          params: s.groupParams,
          querystring: s.deleteGroupQuery,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await svc.deleteGroup(ctx, {
          actor: actorFrom(req),
          orgId: orgOf(req).orgId,
          groupId: req.params.groupId,
          withSubgroups: req.query.withSubgroups === 'true',
        });
        return reply.code(204).send(null);
      },
    );

    await app.register(groupPeopleRoutes(ctx));
    await app.register(groupStatsRoutes(ctx));
    await app.register(groupDashboardRoutes(ctx));
    await app.register(assignmentRoutes(ctx));
    await app.register(groupImageRoutes(ctx));
  };
