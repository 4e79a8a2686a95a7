import { z } from 'zod';
import { listQuery } from '../../lib/pagination.js';

/** The longest post or comment, in characters (after trimming). */
export const BODY_MAX = 10_000;

export const spaceParams = z.object({ orgId: z.string(), groupId: z.guid() });
export const postParams = spaceParams.extend({ postId: z.guid() });
export const commentParams = postParams.extend({ commentId: z.guid() });
export const sessionSpaceParams = z.object({ orgId: z.string(), sessionId: z.guid() });
export const sessionPostParams = sessionSpaceParams.extend({ postId: z.guid() });
export const sessionCommentParams = sessionPostParams.extend({ commentId: z.guid() });

export const notifyMode = z
  .enum(['every', 'daily', 'none'])
  .describe('every: each new post and comment (batched over NOTIFY_BATCH_SECONDS); daily: one summary a day; none: no email.');
export const notifyModeBody = z.strictObject({ mode: notifyMode });
export const notifyModeOut = z.object({ mode: notifyMode });

// The body is checked by the service (trimmed, not empty, at most BODY_MAX) so the 422 names the limit
// in the reader's language; here only its type, and a bound far above the limit.
const body = z.string().max(1_000_000).describe(`Plain text, at most ${BODY_MAX} characters; shown as text, never as HTML.`);

export const createPostBody = z.strictObject({ body });
/** The JSON body is optional on the schema: a post with an image comes as multipart/form-data (`body` field, `image` file). */
export const createPostJson = createPostBody.nullish();
export const updatePostBody = z.strictObject({
  body: body.optional(),
  pinned: z.boolean().optional().describe('Admins, owners and the group’s observers only.'),
});
export const commentBody = z.strictObject({ body });
export const pageQuery = z.object({ limit: listQuery.limit.pipe(z.number().max(100)).default(20), cursor: listQuery.cursor });
export const feedQuery = pageQuery.extend({ orgId: z.guid().optional() });

const author = z.object({ id: z.string(), name: z.string() });

export const commentOut = z.object({
  id: z.string(),
  postId: z.string(),
  author,
  body: z.string(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  canEdit: z.boolean(),
  canDelete: z.boolean(),
});

export const postOut = z.object({
  id: z.string(),
  orgId: z.string(),
  groupId: z.string().nullable().describe('The group whose space holds the post; null for a session’s discussion.'),
  sessionId: z.string().nullable().describe('The program session whose discussion holds the post.'),
  groupName: z.string().describe('The group’s name, or the program’s title for a session’s discussion.'),
  author,
  body: z.string(),
  imageUrl: z.string().nullable().describe('The attached image (PNG, JPEG, GIF or WebP), for those who see the post.'),
  pinned: z.boolean(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  commentCount: z.number().int(),
  recentComments: z.array(commentOut).describe('The last three comments, oldest first.'),
  canEdit: z.boolean(),
  canDelete: z.boolean(),
  canPin: z.boolean(),
});

export const spaceOut = z.object({
  items: z.array(postOut),
  nextCursor: z.string().nullable(),
  canPost: z.boolean(),
  notifyMode: notifyMode.nullable().describe('How the viewer hears of this group’s posts, when it observes the group; else null.'),
});

export const commentPage = z.object({ items: z.array(commentOut), nextCursor: z.string().nullable() });
export const feedOut = z.object({ items: z.array(postOut), nextCursor: z.string().nullable() });
