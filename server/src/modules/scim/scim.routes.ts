import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { type ScimError, scimErrorBody, toScimError, invalidValue, scimNotFound } from './scim-errors.js';
import { listOf, MAX_RESULTS, resourceTypes, schemas, serviceProviderConfig } from './scim-discovery.js';
import * as groups from './scim-groups.service.js';
import { authenticate, logRequest } from './scim-tokens.service.js';
import * as users from './scim-users.service.js';
import type { ScimCaller } from './scim-users.service.js';

// SCIM 2.0 at /scim/v2 (RFC 7644). Its own content-type parser (Entra sends
// `application/scim+json; charset=utf-8`), its own error format, and a bearer token that names the
// organization. Every request lands in the organization's provisioning log.

declare module 'fastify' {
  interface FastifyRequest {
    scim: ScimCaller | null;
    scimError: string | null;
  }
}

const TYPE = 'application/scim+json; charset=utf-8';
const tags = ['scim'];
// SCIM describes itself (ServiceProviderConfig, ResourceTypes, Schemas) and answers in its own format
// (application/scim+json, SCIM errors): it stays out of the OpenAPI document of the JSON API.
const hide = true;

function send(reply: FastifyReply, status: number, body?: unknown, etag?: string) {
  reply.code(status).type(TYPE);
  if (etag) reply.header('ETag', etag);
  return reply.send(body === undefined ? '' : JSON.stringify(body));
}

function one(q: unknown, name: string): string | undefined {
  const v = (q as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidValue(`Give ${name} once.`);
  return v;
}

function paging(q: unknown) {
  const int = (name: string, def: number) => {
    const v = one(q, name);
    if (v === undefined || v === '') return def;
    if (!/^-?\d{1,9}$/.test(v)) throw invalidValue(`${name} must be an integer.`);
    return Number(v);
  };
  const startIndex = Math.max(1, int('startIndex', 1));
  const count = Math.max(0, int('count', 100));
  if (count > MAX_RESULTS) throw invalidValue(`count is at most ${MAX_RESULTS}.`);
  return {
    filter: one(q, 'filter'),
    startIndex,
    count,
    attributes: one(q, 'attributes'),
    excludedAttributes: one(q, 'excludedAttributes'),
  };
}

const caller = (req: FastifyRequest) => req.scim as ScimCaller;
const ifMatch = (req: FastifyRequest) => req.headers['if-match'];
const etagOfResource = (r: Record<string, unknown>) => (r.meta as { version?: string } | undefined)?.version;
const idParam = (req: FastifyRequest) => (req.params as { id: string }).id;

export const scimRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (root) => {
    await root.register(
      async (app) => {
        app.decorateRequest('scim', null);
        app.decorateRequest('scimError', null);
        app.addContentTypeParser(['application/scim+json'], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

        app.setErrorHandler((err, req, reply) => {
          const e: ScimError | null = toScimError(err);
          if (!e) req.log.error({ err }, 'unhandled SCIM error');
          const out = e ?? ({ status: 500, detail: 'Something went wrong on our side.' } as ScimError);
          req.scimError = out.detail;
          return send(reply, out.status, scimErrorBody(out));
        });
        app.setNotFoundHandler((req, reply) => {
          const e = scimNotFound('Endpoint', req.url.split('?')[0] ?? '');
          return send(reply, 404, scimErrorBody(e));
        });

        const discovery = new Set(['ServiceProviderConfig', 'ResourceTypes', 'Schemas']);
        app.addHook('onRequest', async (req) => {
          const segment = req.url.split('?')[0]?.split('/')[3] ?? '';
          if (discovery.has(segment) && !req.headers.authorization) return;
          req.scim = await authenticate(ctx, req.headers.authorization, req.ip);
        });
        app.addHook('onResponse', async (req, reply) => {
          const c = req.scim;
          if (!c) return;
          const [, , , resourceType, resourceId] = (req.url.split('?')[0] ?? '').split('/');
          const method = req.method;
          const operation =
            method === 'POST'
              ? 'create'
              : method === 'PUT'
                ? 'replace'
                : method === 'PATCH'
                  ? 'update'
                  : method === 'DELETE'
                    ? 'delete'
                    : resourceId
                      ? 'get'
                      : 'list';
          await logRequest(ctx, {
            orgId: c.orgId,
            tokenId: c.tokenId,
            method,
            operation,
            resourceType: resourceType?.slice(0, 40),
            resourceId: resourceId?.slice(0, 100),
            status: reply.statusCode,
            error: req.scimError ?? undefined,
            durationMs: Math.round(reply.elapsedTime),
          }).catch((err) => req.log.error({ err }, 'SCIM log write failed'));
        });

        const base = async (req: FastifyRequest) => req.scim?.baseUrl ?? `${ctx.config.appUrl.replace(/\/$/, '')}/scim/v2`;
        const pub = { config: { auth: 'public' as const } };

        app.get('/ServiceProviderConfig', { ...pub, schema: { hide, tags, summary: 'SCIM: what Troupe supports' } }, async (req, reply) =>
          send(reply, 200, serviceProviderConfig(await base(req))),
        );
        app.get('/ResourceTypes', { ...pub, schema: { hide, tags, summary: 'SCIM: User and Group' } }, async (req, reply) =>
          send(reply, 200, listOf(resourceTypes(await base(req)))),
        );
        app.get('/ResourceTypes/:id', { ...pub, schema: { hide, tags, summary: 'SCIM: one resource type' } }, async (req, reply) => {
          const found = resourceTypes(await base(req)).find((r) => r.id === idParam(req));
          if (!found) throw scimNotFound('ResourceType', idParam(req));
          return send(reply, 200, found);
        });
        app.get('/Schemas', { ...pub, schema: { hide, tags, summary: 'SCIM: the schemas' } }, async (req, reply) =>
          send(reply, 200, listOf(schemas(await base(req)))),
        );
        app.get('/Schemas/:id', { ...pub, schema: { hide, tags, summary: 'SCIM: one schema by URN' } }, async (req, reply) => {
          const found = schemas(await base(req)).find((s) => s.id.toLowerCase() === idParam(req).toLowerCase());
          if (!found) throw scimNotFound('Schema', idParam(req));
          return send(reply, 200, found);
        });

        // --- Users ----------------------------------------------------------------------------------
        app.get('/Users', { ...pub, schema: { hide, tags, summary: 'SCIM: list or filter users (eq, and, or)' } }, async (req, reply) => {
          const p = paging(req.query);
          return send(reply, 200, await users.listUsers(ctx, caller(req), p));
        });
        app.post('/Users', { ...pub, schema: { hide, tags, summary: 'SCIM: provision a person' } }, async (req, reply) => {
          const r = await users.createUser(ctx, caller(req), req.body);
          reply.header('Location', (r.meta as { location: string }).location);
          return send(reply, 201, r, etagOfResource(r));
        });
        app.get('/Users/:id', { ...pub, schema: { hide, tags, summary: 'SCIM: one user' } }, async (req, reply) => {
          const r = await users.getUser(ctx, caller(req), idParam(req), paging(req.query));
          return send(reply, 200, r, etagOfResource(r));
        });
        app.put('/Users/:id', { ...pub, schema: { hide, tags, summary: 'SCIM: replace a user' } }, async (req, reply) => {
          const r = await users.replaceUser(ctx, caller(req), idParam(req), req.body, ifMatch(req));
          return send(reply, 200, r, etagOfResource(r));
        });
        app.patch('/Users/:id', { ...pub, schema: { hide, tags, summary: 'SCIM: change a user (PatchOp)' } }, async (req, reply) => {
          const r = await users.patchUser(ctx, caller(req), idParam(req), req.body, ifMatch(req));
          return send(reply, 200, r, etagOfResource(r));
        });
        app.delete(
          '/Users/:id',
          { ...pub, schema: { hide, tags, summary: 'SCIM: remove a person from the organization' } },
          async (req, reply) => {
            await users.deleteUser(ctx, caller(req), idParam(req), ifMatch(req));
            return reply.code(204).send();
          },
        );

        // --- Groups ---------------------------------------------------------------------------------
        app.get('/Groups', { ...pub, schema: { hide, tags, summary: 'SCIM: list or filter groups' } }, async (req, reply) =>
          send(reply, 200, await groups.listGroups(ctx, caller(req), paging(req.query))),
        );
        app.post('/Groups', { ...pub, schema: { hide, tags, summary: 'SCIM: create a group' } }, async (req, reply) => {
          const r = await groups.createGroup(ctx, caller(req), req.body);
          reply.header('Location', (r.meta as { location: string }).location);
          return send(reply, 201, r, etagOfResource(r));
        });
        app.get('/Groups/:id', { ...pub, schema: { hide, tags, summary: 'SCIM: one group' } }, async (req, reply) => {
          const p = paging(req.query);
          const r = await groups.getGroup(ctx, caller(req), idParam(req), p);
          return send(reply, 200, r, etagOfResource(r));
        });
        app.put('/Groups/:id', { ...pub, schema: { hide, tags, summary: 'SCIM: replace a group and its members' } }, async (req, reply) => {
          const { resource } = await groups.replaceGroup(ctx, caller(req), idParam(req), req.body, ifMatch(req));
          return send(reply, 200, resource, etagOfResource(resource));
        });
        app.patch(
          '/Groups/:id',
          { ...pub, schema: { hide, tags, summary: 'SCIM: rename a group, add and remove members' } },
          async (req, reply) => {
            const { resource } = await groups.patchGroup(ctx, caller(req), idParam(req), req.body, ifMatch(req));
            reply.header('ETag', etagOfResource(resource));
            return reply.code(204).send();
          },
        );
        app.delete('/Groups/:id', { ...pub, schema: { hide, tags, summary: 'SCIM: delete a group' } }, async (req, reply) => {
          await groups.deleteGroup(ctx, caller(req), idParam(req), ifMatch(req));
          return reply.code(204).send();
        });
      },
      { prefix: '/scim/v2' },
    );
  };
