import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timeOrderedId, ts } from './columns.js';
import { accounts, memberships } from './foundation.js';
import { groups } from './groups.js';

// The group space: posts, comments, and the observers' batched notifications (migration 0015_group_space.sql).

export const posts = pgTable(
  'posts',
  {
    id: timeOrderedId(),
    orgId: uuid('org_id').notNull(),
    groupId: uuid('group_id').notNull(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    pinned: boolean('pinned').notNull().default(false),
    createdAt: createdAt(),
    editedAt: ts('edited_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    unique('posts_org_id_id_key').on(t.orgId, t.id),
    foreignKey({ columns: [t.orgId, t.groupId], foreignColumns: [groups.orgId, groups.id] }).onDelete('cascade'),
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
  },
  (t) => [
    foreignKey({ columns: [t.orgId, t.accountId], foreignColumns: [memberships.orgId, memberships.accountId] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.postId], foreignColumns: [posts.orgId, posts.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.commentId], foreignColumns: [postComments.orgId, postComments.id] }).onDelete('cascade'),
    index('space_notifications_account_idx').on(t.orgId, t.accountId, t.createdAt),
    index('space_notifications_post_idx').on(t.orgId, t.postId),
  ],
);

export const spaceNotifyWindows = pgTable(
  'space_notify_windows',
  {
    orgId: uuid('org_id').notNull(),
    accountId: uuid('account_id').notNull(),
    dueAt: ts('due_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.accountId] }),
    foreignKey({ columns: [t.orgId, t.accountId], foreignColumns: [memberships.orgId, memberships.accountId] }).onDelete('cascade'),
  ],
);
