import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import * as comments from './comments.service.js';
import * as s from './posts.schemas.js';
import * as svc from './posts.service.js';

// Who sees a space is decided per group (members, observers, staff in scope), so the routes ask for a
// signed-in account and the service answers 404 to anyone else: a route permission would either let
// every learner in or keep a limited manager out of a group it merely belongs to.

/** The group space: posts, comments, and the learner's feed. */
export const postsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['space'];
    const auth = { auth: 'account' as const };
    const base = '/api/v1/orgs/:orgId/groups/:groupId/posts';
    const viewer = (req: Parameters<typeof actorOf>[0]) => {
      const a = actorOf(req);
      return { id: a.id, locale: a.locale };
    };

    app.get(
      base,
      {
        config: auth,
        schema: {
          tags,
          summary: 'A page of the group’s posts, pinned first, then newest',
          params: s.spaceParams,
          querystring: s.pageQuery,
          response: { 200: s.spaceOut },
        },
      },
      async (req) => svc.listPosts(ctx, { ...req.params, ...req.query, viewer: viewer(req) }),
    );
    app.post(
      base,
      {
        config: auth,
        schema: {
          tags,
          summary: 'Post in the group’s space (observers are told, batched)',
          params: s.spaceParams,
          body: s.createPostBody,
          response: { 201: s.postOut },
        },
      },
      async (req, reply) => reply.code(201).send(await svc.createPost(ctx, { ...req.params, body: req.body.body, viewer: viewer(req) })),
    );
    app.patch(
      `${base}/:postId`,
      {
        config: auth,
        schema: {
          tags,
          summary: 'Edit a post (its author) or pin it (admins, observers)',
          params: s.postParams,
          body: s.updatePostBody,
          response: { 200: s.postOut },
        },
      },
      async (req) => svc.updatePost(ctx, { ...req.params, ...req.body, viewer: viewer(req) }),
    );
    app.delete(
      `${base}/:postId`,
      {
        config: auth,
        schema: { tags, summary: 'Delete a post (its author, admins, observers)', params: s.postParams, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await svc.deletePost(ctx, { ...req.params, viewer: viewer(req) });
        return reply.code(204).send(null);
      },
    );
    app.get(
      `${base}/:postId/comments`,
      {
        config: auth,
        schema: {
          tags,
          summary: 'A page of a post’s comments, oldest first',
          params: s.postParams,
          querystring: s.pageQuery,
          response: { 200: s.commentPage },
        },
      },
      async (req) => comments.listComments(ctx, { ...req.params, ...req.query, viewer: viewer(req) }),
    );
    app.post(
      `${base}/:postId/comments`,
      {
        config: auth,
        schema: { tags, summary: 'Comment on a post', params: s.postParams, body: s.commentBody, response: { 201: s.commentOut } },
      },
      async (req, reply) =>
        reply.code(201).send(await comments.createComment(ctx, { ...req.params, body: req.body.body, viewer: viewer(req) })),
    );
    app.patch(
      `${base}/:postId/comments/:commentId`,
      {
        config: auth,
        schema: {
          tags,
          summary: 'Edit a comment (its author)',
          params: s.commentParams,
          body: s.commentBody,
          response: { 200: s.commentOut },
        },
      },
      async (req) => comments.updateComment(ctx, { ...req.params, body: req.body.body, viewer: viewer(req) }),
    );
    app.delete(
      `${base}/:postId/comments/:commentId`,
      {
        config: auth,
        schema: { tags, summary: 'Delete a comment (its author, admins, observers)', params: s.commentParams, response: { 204: z.null() } },
      },
      async (req, reply) => {
        await comments.deleteComment(ctx, { ...req.params, viewer: viewer(req) });
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/v1/me/feed',
      {
        config: auth,
        schema: {
          tags,
          summary: 'Recent posts of the groups the account is an active member of',
          querystring: s.feedQuery,
          response: { 200: s.feedOut },
        },
      },
      async (req) => svc.listFeed(ctx, { ...req.query, viewer: viewer(req) }),
    );
  };
