import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import type { Role } from '../../http/permissions.js';
import { toIso } from '../../lib/time.js';
import { getSeats } from '../seats/seats.service.js';
import * as s from './orgs.schemas.js';
import * as svc from './orgs.service.js';

type LocationRow = { id: string; name: string; archivedAt: string | null; createdAt: string };
const presentLocation = (l: LocationRow) => ({ id: l.id, name: l.name, archivedAt: toIso(l.archivedAt), createdAt: toIso(l.createdAt) });

export const orgsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['organizations'];

    app.post(
      '/api/v1/orgs',
      {
        config: { auth: 'account' },
        schema: {
          tags,
          summary: 'Create an organization; the caller becomes its owner',
          body: s.createOrgBody,
          response: { 201: s.orgOut },
        },
      },
      async (req, reply) => {
        const org = await svc.createOrganization(ctx, { actor: { ...actorOf(req), ip: req.ip }, ...req.body });
        return reply.code(201).send({ id: org.id, name: org.name, slug: org.slug });
      },
    );

    app.get(
      '/api/v1/orgs/:orgId',
      { config: { auth: 'org.read' }, schema: { tags, params: s.orgParams, response: { 200: s.orgDetailOut } } },
      async (req) => {
        const access = orgOf(req);
        const org = await svc.getOrganization(ctx, access);
        return {
          id: org.id,
          name: org.name,
          slug: org.slug,
          role: access.role as Role,
          permissions: access.permissions,
          createdAt: toIso(org.createdAt),
          ...(await getSeats(ctx.db, org.id)),
        };
      },
    );

    app.patch(
      '/api/v1/orgs/:orgId',
      { config: { auth: 'org.update' }, schema: { tags, params: s.orgParams, body: s.updateOrgBody, response: { 200: s.orgUpdatedOut } } },
      async (req) => {
        const org = await svc.updateOrganization(ctx, { actor: { ...actorOf(req), ip: req.ip }, orgId: orgOf(req).orgId, ...req.body });
        return { id: org.id, name: org.name, slug: org.slug, seatLimit: org.seatLimit, seatsUsed: org.seatsUsed };
      },
    );

    app.get(
      '/api/v1/orgs/:orgId/locations',
      {
        config: { auth: 'org.read' },
        schema: {
          tags,
          params: s.orgParams,
          querystring: z.object({ includeArchived: z.enum(['true', 'false']).optional() }),
          response: { 200: z.object({ items: z.array(s.locationOut), nextCursor: z.null() }) },
        },
      },
      async (req) => {
        const rows = await svc.listLocations(ctx, { orgId: orgOf(req).orgId, includeArchived: req.query.includeArchived === 'true' });
        return { items: rows.map(presentLocation), nextCursor: null };
      },
    );

    app.post(
      '/api/v1/orgs/:orgId/locations',
      {
        config: { auth: 'locations.manage' },
        schema: { tags, params: s.orgParams, body: s.locationBody, response: { 201: s.locationOut } },
      },
      async (req, reply) => {
        const loc = await svc.createLocation(ctx, { actor: { ...actorOf(req), ip: req.ip }, orgId: orgOf(req).orgId, name: req.body.name });
        return reply.code(201).send(presentLocation(loc));
      },
    );

    app.patch(
      '/api/v1/orgs/:orgId/locations/:locationId',
      {
        config: { auth: 'locations.manage' },
        schema: {
          tags,
          summary: 'Rename, archive or restore a location',
          params: s.locationParams,
          body: s.locationPatch,
          response: { 200: s.locationOut },
        },
      },
      async (req) => {
        const loc = await svc.updateLocation(ctx, {
          actor: { ...actorOf(req), ip: req.ip },
          orgId: orgOf(req).orgId,
          locationId: req.params.locationId,
          ...req.body,
        });
        return presentLocation(loc);
      },
    );
  };
