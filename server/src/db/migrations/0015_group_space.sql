-- The group space: posts and their comments, visible to the group's active members, its observers and
-- the staff who may read the group. Deleting keeps the row (deleted_at) so a notification or a feed
-- page in flight never points at nothing; lists leave deleted rows out.
CREATE TABLE posts (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL,
  group_id uuid NOT NULL,
  author_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  body text NOT NULL,
  pinned boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, group_id) REFERENCES groups(org_id, id) ON DELETE CASCADE
);
-- A group's page: pinned first, then newest (keyset on created_at, id); the feed: newest of several groups.
CREATE INDEX posts_group_page_idx ON posts (group_id, pinned DESC, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX posts_group_recent_idx ON posts (group_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX posts_author_idx ON posts (author_id);

CREATE TABLE post_comments (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL,
  post_id uuid NOT NULL,
  author_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, post_id) REFERENCES posts(org_id, id) ON DELETE CASCADE
);
CREATE INDEX post_comments_post_page_idx ON post_comments (post_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX post_comments_author_idx ON post_comments (author_id);

-- Observers hear of new posts and comments in batches: one pending row per observer and novelty,
-- and one open window per observer and organization. The first novelty opens the window and
-- schedules the job at its end; the job closes the window, sends one email with what is pending and
-- removes it, in one transaction, so a second run finds nothing to send.
CREATE TABLE space_notifications (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL,
  account_id uuid NOT NULL,
  post_id uuid NOT NULL,
  comment_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, account_id) REFERENCES memberships(org_id, account_id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, post_id) REFERENCES posts(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, comment_id) REFERENCES post_comments(org_id, id) ON DELETE CASCADE
);
CREATE INDEX space_notifications_account_idx ON space_notifications (org_id, account_id, created_at);
CREATE INDEX space_notifications_post_idx ON space_notifications (org_id, post_id);

CREATE TABLE space_notify_windows (
  org_id uuid NOT NULL,
  account_id uuid NOT NULL,
  due_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, account_id),
  FOREIGN KEY (org_id, account_id) REFERENCES memberships(org_id, account_id) ON DELETE CASCADE
);
