import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { notifyObservers } from './notify.service.js';
import * as repo from './posts.repo.js';
import { presentPost } from './present.js';
import { assertSpaceAccess, cleanBody, notYours, type SpaceViewer } from './space-access.js';

// Posts of a group's space. Plain text, stored as typed (trimmed): the API never transforms it, the web
// app shows it as text.

export { sendObserverNotification, spaceJobs } from './notify.service.js';
export type { SpaceViewer } from './space-access.js';

const RECENT_COMMENTS = 3;
type Base = { orgId: string; groupId: string; viewer: SpaceViewer };

async function withComments(ctx: AppContext, rows: repo.PostRow[], viewerId: string) {
  const comments = await repo.listRecentComments(ctx.db, { postIds: rows.map((r) => r.id), n: RECENT_COMMENTS });
  return rows.map((r) => presentPost(r, viewerId, comments));
}

/** A page of the group's posts, pinned first, then newest. */
export async function listPosts(ctx: AppContext, o: Base & { limit: number; cursor?: string }) {
  const access = await assertSpaceAccess(ctx, o);
  const after = decodeCursor(o.cursor, 3) as [boolean, string, string] | null;
  const rows = await repo.listGroupPosts(ctx.db, { orgId: o.orgId, groupId: o.groupId, viewerId: o.viewer.id, limit: o.limit, after });
  const page = toPage(rows, o.limit, (r) => [r.pinned, r.at, r.id]);
  return { items: await withComments(ctx, page.items, o.viewer.id), nextCursor: page.nextCursor, canPost: access.canPost };
}

/** The newest posts of every group the account is an active member of (in one organization, or all). */
export async function listFeed(ctx: AppContext, o: { viewer: SpaceViewer; orgId?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(o.cursor, 2) as [string, string] | null;
  const rows = await repo.listFeedPosts(ctx.db, { accountId: o.viewer.id, orgId: o.orgId, limit: o.limit, after });
  const page = toPage(rows, o.limit, (r) => [r.at, r.id]);
  return { items: await withComments(ctx, page.items, o.viewer.id), nextCursor: page.nextCursor };
}

async function loadPost(ctx: AppContext, o: Base & { postId: string }) {
  const post = await repo.findPost(ctx.db, { orgId: o.orgId, groupId: o.groupId, postId: o.postId, viewerId: o.viewer.id });
  if (!post) throw notFound('Post');
  return post;
}

/** One post, as the viewer sees it. */
export async function getPost(ctx: AppContext, o: Base & { postId: string }) {
  await assertSpaceAccess(ctx, o);
  const [post] = await withComments(ctx, [await loadPost(ctx, o)], o.viewer.id);
  if (!post) throw notFound('Post');
  return post;
}

/** Posts in the space; the group's observers hear of it (batched) once the transaction commits. */
export async function createPost(ctx: AppContext, o: Base & { body: string }) {
  await assertSpaceAccess(ctx, o);
  const body = cleanBody(o.body, o.viewer.locale);
  const now = ctx.clock.now();
  const postId = await ctx.db.transaction(async (tx) => {
    const id = await repo.insertPost(tx, { orgId: o.orgId, groupId: o.groupId, authorId: o.viewer.id, body, at: now });
    await notifyObservers(tx, ctx.jobs, {
      orgId: o.orgId,
      groupId: o.groupId,
      postId: id,
      commentId: null,
      authorId: o.viewer.id,
      now,
      batchSeconds: ctx.config.notifyBatchSeconds,
    });
    return id;
  });
  return getPost(ctx, { ...o, postId });
}

/** The author edits the text; admins, owners and the group's observers pin or unpin. */
export async function updatePost(ctx: AppContext, o: Base & { postId: string; body?: string; pinned?: boolean }) {
  await assertSpaceAccess(ctx, o);
  const post = await loadPost(ctx, o);
  if (o.body !== undefined && post.authorId !== o.viewer.id) throw notYours(o.viewer.locale);
  if (o.pinned !== undefined && !post.moderator) throw notYours(o.viewer.locale);
  const body = o.body === undefined ? undefined : cleanBody(o.body, o.viewer.locale);
  await repo.updatePost(ctx.db, { orgId: o.orgId, postId: o.postId, body, pinned: o.pinned, at: ctx.clock.now() });
  return getPost(ctx, o);
}

/** The author, admins, owners and the group's observers delete a post (its comments go with it). */
export async function deletePost(ctx: AppContext, o: Base & { postId: string }): Promise<void> {
  await assertSpaceAccess(ctx, o);
  const post = await loadPost(ctx, o);
  if (post.authorId !== o.viewer.id && !post.moderator) throw notYours(o.viewer.locale);
  await repo.softDeletePost(ctx.db, { orgId: o.orgId, postId: o.postId, at: ctx.clock.now() });
}
