import { z } from 'zod';
import { listQuery } from '../../lib/pagination.js';

/** The longest post or comment, in characters (after trimming). */
export const BODY_MAX = 10_000;

export const spaceParams = z.object({ orgId: z.string(), groupId: z.guid() });
export const postParams = spaceParams.extend({ postId: z.guid() });
export const commentParams = postParams.extend({ commentId: z.guid() });

// The body is checked by the service (trimmed, not empty, at most BODY_MAX) so the 422 names the limit
// in the reader's language; here only its type, and a bound far above the limit.
const body = z.string().max(1_000_000).describe(`Plain text, at most ${BODY_MAX} characters; shown as text, never as HTML.`);

export const createPostBody = z.strictObject({ body });
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
  groupId: z.string(),
  groupName: z.string(),
  author,
  body: z.string(),
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
});

export const commentPage = z.object({ items: z.array(commentOut), nextCursor: z.string().nullable() });
export const feedOut = z.object({ items: z.array(postOut), nextCursor: z.string().nullable() });
