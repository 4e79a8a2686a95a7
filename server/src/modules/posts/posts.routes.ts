import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { translator } from '../../i18n/index.js';
import * as comments from './comments.service.js';
import { imageTooLarge, POST_IMAGE_MAX_BYTES } from './post-image.js';
import * as s from './posts.schemas.js';
import * as svc from './posts.service.js';

// Who sees a space is decided per group (members, observers, staff in scope) or per session (those
// enrolled, its referent, admins), so the routes ask for a signed-in account and the service answers
// 404 to anyone else: a route permission would either let every learner in or keep a limited manager
// out of a group it merely belongs to.

type Req = Parameters<typeof actorOf>[0];
const viewer = (req: Req) => {
  const a = actorOf(req);
  return { id: a.id, locale: a.locale };
};

/** A post's text and image from a multipart/form-data request (`body` field, `image` file). */
async function readMultipartPost(
  req: Req & { parts: () => AsyncIterableIterator<unknown> },
): Promise<{ body: string; image: Buffer | null }> {
  let body: string | null = null;
  let image: Buffer | null = null;
  try {
    for await (const raw of req.parts()) {
      const part = raw as { type: 'file' | 'field'; fieldname: string; value?: unknown; toBuffer?: () => Promise<Buffer> };
      if (part.type === 'file' && part.fieldname === 'image' && part.toBuffer) image = await part.toBuffer();
      else if (part.type === 'file' && part.toBuffer)
        await part.toBuffer(); // drained and ignored
      else if (part.fieldname === 'body' && typeof part.value === 'string') body = part.value;
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw imageTooLarge(viewer(req).locale);
    throw err;
  }
  if (body === null) {
    const message = translator(viewer(req).locale)('errors.space.bodyEmpty');
    throw new AppError(422, 'body_empty', message, { fields: { body: message } });
  }
  return { body, image: image && image.length > 0 ? image : null };
}

/** The group space and the session discussions: posts, comments, images, and the learner's feed. */
export const postsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(multipart, { limits: { fileSize: POST_IMAGE_MAX_BYTES, files: 1, fields: 4, fieldSize: 1024 * 1024 } });
    const tags = ['space'];
    const auth = { auth: 'account' as const };

    const kinds = [
      {
        kind: 'group' as const,
        base: '/api/v1/orgs/:orgId/groups/:groupId/posts',
        what: 'the group’s space',
        params: s.spaceParams,
        postParams: s.postParams,
        commentParams: s.commentParams,
        ref: (p: { groupId?: string }) => ({ kind: 'group' as const, id: p.groupId ?? '' }),
      },
      {
        kind: 'session' as const,
        base: '/api/v1/orgs/:orgId/sessions/:sessionId/posts',
        what: 'a program session’s discussion',
        params: s.sessionSpaceParams,
        postParams: s.sessionPostParams,
        commentParams: s.sessionCommentParams,
        ref: (p: { sessionId?: string }) => ({ kind: 'session' as const, id: p.sessionId ?? '' }),
      },
    ];

    for (const k of kinds) {
      const { base, what } = k;
      const space = (req: { params: { orgId: string; groupId?: string; sessionId?: string } }) => ({
        orgId: req.params.orgId,
        space: k.ref(req.params),
      });
      app.get(
        base,
        {
          config: auth,
          schema: {
            tags,
            summary: `A page of ${what}: pinned first, then newest`,
            params: k.params,
            querystring: s.pageQuery,
            response: { 200: s.spaceOut },
          },
        },
        async (req) => svc.listPosts(ctx, { ...space(req), ...req.query, viewer: viewer(req) }),
      );
      app.post(
        base,
        {
          config: auth,
          bodyLimit: POST_IMAGE_MAX_BYTES + 2 * 1024 * 1024,
          schema: {
            tags,
            summary: `Post in ${what}: JSON {body}, or multipart/form-data with a \`body\` field and an \`image\` file (PNG, JPEG, GIF or WebP, at most 5 MB)`,
            params: k.params,
            body: s.createPostJson,
            response: { 201: s.postOut },
          },
        },
        async (req, reply) => {
          const input = req.isMultipart() ? await readMultipartPost(req) : { body: req.body?.body ?? '', image: null };
          return reply.code(201).send(await svc.createPost(ctx, { ...space(req), ...input, viewer: viewer(req) }));
        },
      );
      app.patch(
        `${base}/:postId`,
        {
          config: auth,
          schema: {
            tags,
            summary: 'Edit a post (its author) or pin it (admins, observers, the session’s referent)',
            params: k.postParams,
            body: s.updatePostBody,
            response: { 200: s.postOut },
          },
        },
        async (req) => svc.updatePost(ctx, { ...space(req), postId: req.params.postId, ...req.body, viewer: viewer(req) }),
      );
      app.delete(
        `${base}/:postId`,
        {
          config: auth,
          schema: {
            tags,
            summary: 'Delete a post (its author, admins, observers, the session’s referent)',
            params: k.postParams,
            response: { 204: z.null() },
          },
        },
        async (req, reply) => {
          await svc.deletePost(ctx, { ...space(req), postId: req.params.postId, viewer: viewer(req) });
          return reply.code(204).send(null);
        },
      );
      app.get(
        `${base}/:postId/image`,
        { config: auth, schema: { tags, summary: 'The image attached to a post, for those who see the post', params: k.postParams } },
        async (req, reply) => {
          const img = await svc.findPostImage(ctx, { ...space(req), postId: req.params.postId, viewer: viewer(req) });
          reply
            .header('content-type', img.mime)
            .header('x-content-type-options', 'nosniff')
            .header('content-security-policy', "default-src 'none'; sandbox")
            .header('content-disposition', 'inline')
            .header('cache-control', 'private, max-age=3600');
          return reply.send(ctx.storage.stream(img.key));
        },
      );
      app.get(
        `${base}/:postId/comments`,
        {
          config: auth,
          schema: {
            tags,
            summary: 'A page of a post’s comments, oldest first',
            params: k.postParams,
            querystring: s.pageQuery,
            response: { 200: s.commentPage },
          },
        },
        async (req) => comments.listComments(ctx, { ...space(req), postId: req.params.postId, ...req.query, viewer: viewer(req) }),
      );
      app.post(
        `${base}/:postId/comments`,
        {
          config: auth,
          schema: { tags, summary: 'Comment on a post', params: k.postParams, body: s.commentBody, response: { 201: s.commentOut } },
        },
        async (req, reply) =>
          reply
            .code(201)
            .send(
              await comments.createComment(ctx, { ...space(req), postId: req.params.postId, body: req.body.body, viewer: viewer(req) }),
            ),
      );
      app.patch(
        `${base}/:postId/comments/:commentId`,
        {
          config: auth,
          schema: {
            tags,
            summary: 'Edit a comment (its author)',
            params: k.commentParams,
            body: s.commentBody,
            response: { 200: s.commentOut },
          },
        },
        async (req) =>
          comments.updateComment(ctx, {
            ...space(req),
            postId: req.params.postId,
            commentId: req.params.commentId,
            body: req.body.body,
            viewer: viewer(req),
          }),
      );
      app.delete(
        `${base}/:postId/comments/:commentId`,
        {
          config: auth,
          schema: {
            tags,
            summary: 'Delete a comment (its author, admins, observers, the session’s referent)',
            params: k.commentParams,
            response: { 204: z.null() },
          },
        },
        async (req, reply) => {
          await comments.deleteComment(ctx, {
            ...space(req),
            postId: req.params.postId,
            commentId: req.params.commentId,
            viewer: viewer(req),
          });
          return reply.code(204).send(null);
        },
      );
    }

    const notifyUrl = '/api/v1/orgs/:orgId/groups/:groupId/space-notifications';
    app.get(
      notifyUrl,
      {
        config: auth,
        schema: {
          tags,
          summary: 'How the observer hears of this group’s posts',
          params: s.spaceParams,
          response: { 200: s.notifyModeOut },
        },
      },
      async (req) => svc.getNotifyMode(ctx, { ...req.params, viewer: viewer(req) }),
    );
    app.put(
      notifyUrl,
      {
        config: auth,
        schema: {
          tags,
          summary: 'Choose how to hear of this group’s posts: every post (batched), a daily summary, or none (its observers only)',
          params: s.spaceParams,
          body: s.notifyModeBody,
          response: { 200: s.notifyModeOut },
        },
      },
      async (req) => svc.setNotifyMode(ctx, { ...req.params, mode: req.body.mode, viewer: viewer(req) }),
    );
    app.get(
      '/api/v1/me/feed',
      {
        config: auth,
        schema: {
          tags,
          summary: 'Recent posts of the groups the account is an active member of and the sessions it is enrolled in',
          querystring: s.feedQuery,
          response: { 200: s.feedOut },
        },
      },
      async (req) => svc.listFeed(ctx, { ...req.query, viewer: viewer(req) }),
    );
  };
