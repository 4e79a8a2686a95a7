import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { type NotifyMode, saveNotifyMode } from './notify.repo.js';
import { notifySpace } from './notify.service.js';
import { detectPostImage, notAnImage } from './post-image.js';
import * as repo from './posts.repo.js';
import { presentPost } from './present.js';
import { assertSpaceAccess, cleanBody, notYours, type SpaceViewer } from './space-access.js';

// Posts of a space: a group's, or a program session's discussion. Plain text, stored as typed
// (trimmed): the API never transforms it, the web app shows it as text. An image may come with it,
// its type read from its bytes; it is served only to those who see the post.

export { sendObserverNotification, spaceJobs } from './notify.service.js';
export type { NotifyMode } from './notify.repo.js';
export type { SpaceRef } from './posts.repo.js';
export type { SpaceViewer } from './space-access.js';

const RECENT_COMMENTS = 3;
type Base = { orgId: string; space: repo.SpaceRef; viewer: SpaceViewer };

async function withComments(ctx: AppContext, rows: repo.PostRow[], viewerId: string) {
  const comments = await repo.listRecentComments(ctx.db, { postIds: rows.map((r) => r.id), n: RECENT_COMMENTS });
  return rows.map((r) => presentPost(r, viewerId, comments));
}

/** A page of the space's posts, pinned first, then newest; with how the viewer hears of it, if it observes the group. */
export async function listPosts(ctx: AppContext, o: Base & { limit: number; cursor?: string }) {
  const access = await assertSpaceAccess(ctx, o);
  const after = decodeCursor(o.cursor, 3) as [boolean, string, string] | null;
  const rows = await repo.listSpacePosts(ctx.db, { orgId: o.orgId, space: o.space, viewerId: o.viewer.id, limit: o.limit, after });
  const page = toPage(rows, o.limit, (r) => [r.pinned, r.at, r.id]);
  return {
    items: await withComments(ctx, page.items, o.viewer.id),
    nextCursor: page.nextCursor,
    canPost: access.canPost,
    notifyMode: access.notifyMode,
  };
}

/** The newest posts of the groups the account is an active member of and the sessions it is enrolled in. */
export async function listFeed(ctx: AppContext, o: { viewer: SpaceViewer; orgId?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(o.cursor, 2) as [string, string] | null;
  const rows = await repo.listFeedPosts(ctx.db, { accountId: o.viewer.id, orgId: o.orgId, limit: o.limit, after });
  const page = toPage(rows, o.limit, (r) => [r.at, r.id]);
  return { items: await withComments(ctx, page.items, o.viewer.id), nextCursor: page.nextCursor };
}

async function loadPost(ctx: AppContext, o: Base & { postId: string }) {
  const post = await repo.findPost(ctx.db, { orgId: o.orgId, space: o.space, postId: o.postId, viewerId: o.viewer.id });
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

/**
 * Posts in the space; those who hear of it are told (batched) once the transaction commits. The image,
 * if any, is checked from its bytes and stored before the row is written, and removed if it fails.
 */
export async function createPost(ctx: AppContext, o: Base & { body: string; image?: Buffer | null }) {
  await assertSpaceAccess(ctx, o);
  const body = cleanBody(o.body, o.viewer.locale);
  const type = o.image ? detectPostImage(o.image) : null;
  if (o.image && !type) throw notAnImage(o.viewer.locale);
  const now = ctx.clock.now();
  const key = o.image && type ? await ctx.storage.put('post-images', o.image, type.ext) : null;
  try {
    const postId = await ctx.db.transaction(async (tx) => {
      const image = key && type ? { key, type: type.mime } : null;
      const id = await repo.insertPost(tx, { orgId: o.orgId, space: o.space, authorId: o.viewer.id, body, at: now, image });
      await notifySpace(tx, ctx.jobs, {
        orgId: o.orgId,
        space: o.space,
        postId: id,
        commentId: null,
        authorId: o.viewer.id,
        now,
        batchSeconds: ctx.config.notifyBatchSeconds,
      });
      return id;
    });
    return getPost(ctx, { ...o, postId });
  } catch (err) {
    if (key) await ctx.storage.remove(key).catch(() => {});
    throw err;
  }
}

/** The author edits the text; admins, owners, the group's observers and the session's referent pin or unpin. */
export async function updatePost(ctx: AppContext, o: Base & { postId: string; body?: string; pinned?: boolean }) {
  await assertSpaceAccess(ctx, o);
  const post = await loadPost(ctx, o);
  if (o.body !== undefined && post.authorId !== o.viewer.id) throw notYours(o.viewer.locale);
  if (o.pinned !== undefined && !post.moderator) throw notYours(o.viewer.locale);
  const body = o.body === undefined ? undefined : cleanBody(o.body, o.viewer.locale);
  await repo.updatePost(ctx.db, { orgId: o.orgId, postId: o.postId, body, pinned: o.pinned, at: ctx.clock.now() });
  return getPost(ctx, o);
}

/** The author, admins, owners and the group's observers (the session's referent) delete a post; its image goes too. */
export async function deletePost(ctx: AppContext, o: Base & { postId: string }): Promise<void> {
  await assertSpaceAccess(ctx, o);
  const post = await loadPost(ctx, o);
  if (post.authorId !== o.viewer.id && !post.moderator) throw notYours(o.viewer.locale);
  const key = await repo.softDeletePost(ctx.db, { orgId: o.orgId, postId: o.postId, at: ctx.clock.now() });
  if (key) await ctx.storage.remove(key).catch(() => {});
}

/** Where a post's image is, for those who see the post; 404 when there is none. */
export async function findPostImage(ctx: AppContext, o: Base & { postId: string }) {
  await assertSpaceAccess(ctx, o);
  const post = await loadPost(ctx, o);
  if (!post.imageKey || !post.imageType) throw notFound('Image');
  return { key: post.imageKey, mime: post.imageType };
}

/** An observer chooses how it hears of a group's space; anyone else: 404 (it has nothing to choose). */
export async function setNotifyMode(ctx: AppContext, o: { orgId: string; groupId: string; viewer: SpaceViewer; mode: NotifyMode }) {
  const access = await assertSpaceAccess(ctx, { orgId: o.orgId, space: { kind: 'group', id: o.groupId }, viewer: o.viewer });
  if (access.notifyMode === null) throw notFound('Observer');
  const saved = await saveNotifyMode(ctx.db, {
    orgId: o.orgId,
    groupId: o.groupId,
    accountId: o.viewer.id,
    mode: o.mode,
    at: ctx.clock.now(),
  });
  if (!saved) throw notFound('Observer');
  return { mode: o.mode };
}

/** How an observer hears of a group's space. */
export async function getNotifyMode(ctx: AppContext, o: { orgId: string; groupId: string; viewer: SpaceViewer }) {
  const access = await assertSpaceAccess(ctx, { orgId: o.orgId, space: { kind: 'group', id: o.groupId }, viewer: o.viewer });
  if (access.notifyMode === null) throw notFound('Observer');
  return { mode: access.notifyMode };
}
