import { toIso } from '../../lib/time.js';
import type { CommentRow, PostRow } from './posts.repo.js';

/** A comment with what the viewer may do with it. */
export const presentComment = (c: CommentRow, viewerId: string, moderator: boolean) => ({
  id: c.id,
  postId: c.postId,
  author: { id: c.authorId, name: c.authorName },
  body: c.body,
  createdAt: toIso(c.createdAt),
  editedAt: toIso(c.editedAt),
  canEdit: c.authorId === viewerId,
  canDelete: c.authorId === viewerId || moderator,
});

/** Where a post lives in the API: its group's space or its session's discussion. */
export const postsBase = (p: Pick<PostRow, 'orgId' | 'groupId' | 'sessionId'>) =>
  p.sessionId ? `/api/v1/orgs/${p.orgId}/sessions/${p.sessionId}/posts` : `/api/v1/orgs/${p.orgId}/groups/${p.groupId}/posts`;

/** A post with its last comments and what the viewer may do with it. */
export const presentPost = (p: PostRow, viewerId: string, comments: CommentRow[]) => ({
  id: p.id,
  orgId: p.orgId,
  groupId: p.groupId,
  sessionId: p.sessionId,
  groupName: p.groupName,
  author: { id: p.authorId, name: p.authorName },
  body: p.body,
  imageUrl: p.imageKey ? `${postsBase(p)}/${p.id}/image` : null,
  pinned: p.pinned,
  createdAt: toIso(p.createdAt),
  editedAt: toIso(p.editedAt),
  commentCount: Number(p.commentCount),
  recentComments: comments.filter((c) => c.postId === p.id).map((c) => presentComment(c, viewerId, p.moderator)),
  canEdit: p.authorId === viewerId,
  canDelete: p.authorId === viewerId || p.moderator,
  canPin: p.moderator,
});
