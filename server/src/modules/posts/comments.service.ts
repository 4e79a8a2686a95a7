import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { notifySpace } from './notify.service.js';
import * as repo from './posts.repo.js';
import { presentComment } from './present.js';
import { assertSpaceAccess, cleanBody, notYours, type SpaceViewer } from './space-access.js';

// Comments under a post: same audience and same rights as the post's (edit: the author; delete: the
// author, admins, owners and the group's observers or the session's referent).

type Base = { orgId: string; space: repo.SpaceRef; postId: string; viewer: SpaceViewer };

async function livePost(ctx: AppContext, o: Base) {
  await assertSpaceAccess(ctx, o);
  const post = await repo.findPost(ctx.db, { orgId: o.orgId, space: o.space, postId: o.postId, viewerId: o.viewer.id });
  if (!post) throw notFound('Post');
  return post;
}

async function liveComment(ctx: AppContext, o: Base & { commentId: string }) {
  const post = await livePost(ctx, o);
  const comment = await repo.findComment(ctx.db, { orgId: o.orgId, postId: o.postId, commentId: o.commentId });
  if (!comment) throw notFound('Comment');
  return { post, comment };
}

/** A page of a post's comments, oldest first. */
export async function listComments(ctx: AppContext, o: Base & { limit: number; cursor?: string }) {
  const post = await livePost(ctx, o);
  const after = decodeCursor(o.cursor, 2) as [string, string] | null;
  const rows = await repo.listComments(ctx.db, { orgId: o.orgId, postId: o.postId, limit: o.limit, after });
  const page = toPage(rows, o.limit, (r) => [r.at, r.id]);
  return { items: page.items.map((c) => presentComment(c, o.viewer.id, post.moderator)), nextCursor: page.nextCursor };
}

/** Comments on a post; the group's observers hear of it (batched). */
export async function createComment(ctx: AppContext, o: Base & { body: string }) {
  const post = await livePost(ctx, o);
  const body = cleanBody(o.body, o.viewer.locale);
  const now = ctx.clock.now();
  const commentId = await ctx.db.transaction(async (tx) => {
    const id = await repo.insertComment(tx, { orgId: o.orgId, postId: o.postId, authorId: o.viewer.id, body, at: now });
    await notifySpace(tx, ctx.jobs, {
      orgId: o.orgId,
      space: o.space,
      postId: o.postId,
      commentId: id,
      authorId: o.viewer.id,
      now,
      batchSeconds: ctx.config.notifyBatchSeconds,
    });
    return id;
  });
  const comment = await repo.findComment(ctx.db, { orgId: o.orgId, postId: o.postId, commentId });
  if (!comment) throw notFound('Comment');
  return presentComment(comment, o.viewer.id, post.moderator);
}

/** The author edits a comment. */
export async function updateComment(ctx: AppContext, o: Base & { commentId: string; body: string }) {
  const { post, comment } = await liveComment(ctx, o);
  if (comment.authorId !== o.viewer.id) throw notYours(o.viewer.locale);
  const body = cleanBody(o.body, o.viewer.locale);
  await repo.updateComment(ctx.db, { orgId: o.orgId, commentId: o.commentId, body, at: ctx.clock.now() });
  const updated = await repo.findComment(ctx.db, { orgId: o.orgId, postId: o.postId, commentId: o.commentId });
  if (!updated) throw notFound('Comment');
  return presentComment(updated, o.viewer.id, post.moderator);
}

/** The author, admins, owners and the group's observers delete a comment. */
export async function deleteComment(ctx: AppContext, o: Base & { commentId: string }): Promise<void> {
  const { post, comment } = await liveComment(ctx, o);
  if (comment.authorId !== o.viewer.id && !post.moderator) throw notYours(o.viewer.locale);
  await repo.softDeleteComment(ctx.db, { orgId: o.orgId, commentId: o.commentId, at: ctx.clock.now() });
}
