import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/errors.js';
import { orgOf } from '../../http/auth.js';
import { actorFrom } from '../../http/actor.js';
import { findGroupImage, type ImageKind, invalidImage, removeGroupImage, setGroupImage } from './group-images.service.js';
import * as s from './groups.schemas.js';

/** Group logo and background: upload (multipart, PNG/JPEG/WebP, at most 5 MB), read, remove. */
export const groupImageRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['groups'];
    for (const kind of ['logo', 'background'] as ImageKind[]) {
      const url = `/api/v1/orgs/:orgId/groups/:groupId/${kind}`;

      app.get(
        url,
        {
          config: { auth: 'org.read' },
          schema: {
            tags,
            summary: `The group's ${kind} image (any member of the organization)`,
            params: s.groupParams,
            querystring: z.object({ v: z.string().max(40).optional() }),
          },
        },
        async (req, reply) => {
          const img = await findGroupImage(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId, kind });
          reply
            .header('content-type', img.mime)
            .header('x-content-type-options', 'nosniff')
            .header('cache-control', 'private, max-age=86400');
          return reply.send(ctx.storage.stream(img.key));
        },
      );

      app.put(
        url,
        {
          config: { auth: 'groups.manage' },
          schema: {
            tags,
            summary: `Upload the group's ${kind}: multipart/form-data with one file part (PNG, JPEG or WebP, at most 5 MB)`,
            consumes: ['multipart/form-data'],
            params: s.groupParams,
            response: { 200: z.object({ url: z.string() }) },
          },
        },
        async (req) => {
          if (!req.isMultipart())
            throw new AppError(415, 'unsupported_media_type', `Send the ${kind} as multipart/form-data with one file part.`);
          const file = await req.file();
          if (!file) throw invalidImage(kind, 'is missing: attach it as a file part');
          const bytes = await file.toBuffer(); // throws 413 past 5 MB, while streaming
          const url = await setGroupImage(ctx, {
            actor: actorFrom(req),
            orgId: orgOf(req).orgId,
            groupId: req.params.groupId,
            kind,
            bytes,
          });
          return { url: url! };
        },
      );

      app.delete(
        url,
        { config: { auth: 'groups.manage' }, schema: { tags, params: s.groupParams, response: { 204: z.null() } } },
        async (req, reply) => {
          await removeGroupImage(ctx, { actor: actorFrom(req), orgId: orgOf(req).orgId, groupId: req.params.groupId, kind });
          return reply.code(204).send(null);
        },
      );
    }
  };
