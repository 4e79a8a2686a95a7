import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, timeOrderedId, ts } from './columns.js';
import { accounts, memberships } from './foundation.js';
import { groupObservers, groups, programSessions } from './groups.js';

// The group space: posts, comments, and the observers' batched notifications (migration 0015_group_space.sql).

export const posts = pgTable(
  'posts',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id').notNull(),
    /** A group's space, or (session_id) a program session's discussion: exactly one of the two. */
    groupId: uuid('group_id'),
    sessionId: uuid('session_id'),
    authorId: uuid('author_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    pinned: boolean('pinned').notNull().default(false),
    createdAt: createdAt(),
    editedAt: ts('edited_at'),
    deletedAt: ts('deleted_at'),
    /** Storage key of the attached image (migration 0018) and its type, read from its bytes. */
    imageKey: text('image_key'),
    imageType: text('image_type'),
  },
  (t) => [
    unique('posts_org_id_id_key').on(t.orgId, t.id),
    foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [groups.orgId, groups.id] }).onDelete('cascade'),
    foreignKey({
      name: 'posts_session_fkey',
      columns: [t.orgId, t.sessionId],
      foreignColumns: [programSessions.orgId, programSessions.id],
    }).onDelete('cascade'),
    check('posts_space_check', sql`(${t.groupId} IS NULL) <> (${t.sessionId} IS NULL)`),
    oneOf('posts_image_type_check', t.imageType, ['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
    index('posts_session_page_idx').on(t.sessionId, t.pinned.desc(), t.createdAt.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    index('posts_group_page_idx').on(t.groupId, t.pinned.desc(), t.createdAt.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    index('posts_group_recent_idx').on(t.groupId, t.createdAt.desc(), t.id.desc()).where(sql`deleted_at IS NULL`),
    index('posts_author_idx').on(t.authorId),
  ],
);

export const postComments = pgTable(
  'post_comments',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id').notNull(),
    postId: uuid('post_id').notNull(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: createdAt(),
    editedAt: ts('edited_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    unique('post_comments_org_id_id_key').on(t.orgId, t.id),
    foreignKey({ columns: [t.orgId, t.postId], foreignColumns: [posts.orgId, posts.id] }).onDelete('cascade'),
    index('post_comments_post_page_idx').on(t.postId, t.createdAt, t.id).where(sql`deleted_at IS NULL`),
    index('post_comments_author_idx').on(t.authorId),
  ],
);

export const spaceNotifications = pgTable(
  'space_notifications',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id').notNull(),
    accountId: uuid('account_id').notNull(),
    postId: uuid('post_id').notNull(),
    commentId: uuid('comment_id'),
    createdAt: createdAt(),
    /** Pending for the observer's daily summary rather than the short window. */
    daily: boolean('daily').notNull().default(false),
  },
  (t) => [
    foreignKey({ columns: [t.orgId, t.accountId], foreignColumns: [memberships.orgId, memberships.accountId] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.postId], foreignColumns: [posts.orgId, posts.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.commentId], foreignColumns: [postComments.orgId, postComments.id] }).onDelete('cascade'),
    index('space_notifications_account_idx').on(t.orgId, t.accountId, t.daily, t.createdAt),
    index('space_notifications_post_idx').on(t.orgId, t.postId),
  ],
);

export const spaceNotifyWindows = pgTable(
  'space_notify_windows',
  {
    orgId: uuid('org_id').notNull(),
    accountId: uuid('account_id').notNull(),
    dueAt: ts('due_at').notNull(),
    daily: boolean('daily').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.accountId, t.daily] }),
    foreignKey({ columns: [t.orgId, t.accountId], foreignColumns: [memberships.orgId, memberships.accountId] }).onDelete('cascade'),
  ],
);

/** An observer's choice, per group, of how to hear of new posts: every post (batched, the default), a daily summary, or none. */
export const spaceNotifySettings = pgTable(
  'space_notify_settings',
  {
    orgId: uuid('org_id').notNull(),
    groupId: uuid('group_id').notNull(),
    accountId: uuid('account_id').notNull(),
    mode: text('mode').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.groupId, t.accountId] }),
    foreignKey({
      columns: [t.orgId, t.groupId, t.accountId],
      foreignColumns: [groupObservers.orgId, groupObservers.groupId, groupObservers.accountId],
    }).onDelete('cascade'),
    oneOf('space_notify_settings_mode_check', t.mode, ['every', 'daily', 'none']),
  ],
);
