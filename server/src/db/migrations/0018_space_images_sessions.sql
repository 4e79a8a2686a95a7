-- issue 14, the group space continued: an image on a post (its file in the data folder, its type read
-- from the bytes), the discussion of a program session (a post belongs to a group's space or to a
-- session's, never both), and each observer's choice per group of how to hear of new posts.
ALTER TABLE posts
  ALTER COLUMN group_id DROP NOT NULL,
  ADD COLUMN session_id uuid,
  ADD COLUMN image_key text,
  ADD COLUMN image_type text,
  ADD CONSTRAINT posts_session_fkey FOREIGN KEY (org_id, session_id) REFERENCES program_sessions(org_id, id) ON DELETE CASCADE,
  ADD CONSTRAINT posts_space_check CHECK ((group_id IS NULL) <> (session_id IS NULL)),
  ADD CONSTRAINT posts_image_type_check CHECK (image_type IS NULL OR image_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp'));
CREATE INDEX posts_session_page_idx ON posts (session_id, pinned DESC, created_at DESC, id DESC) WHERE deleted_at IS NULL;

-- A daily summary is a second, day-long window next to the short one: pending rows and windows say
-- which of the two they belong to, so an observer still gets at most one email per window.
ALTER TABLE space_notifications ADD COLUMN daily boolean NOT NULL DEFAULT false;
DROP INDEX space_notifications_account_idx;
CREATE INDEX space_notifications_account_idx ON space_notifications (org_id, account_id, daily, created_at);
ALTER TABLE space_notify_windows
  ADD COLUMN daily boolean NOT NULL DEFAULT false,
  DROP CONSTRAINT space_notify_windows_pkey,
  ADD PRIMARY KEY (org_id, account_id, daily);

-- No row: every post (batched). The row goes with the observer's link to the group.
CREATE TABLE space_notify_settings (
  org_id uuid NOT NULL,
  group_id uuid NOT NULL,
  account_id uuid NOT NULL,
  mode text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, group_id, account_id),
  FOREIGN KEY (org_id, group_id, account_id) REFERENCES group_observers(org_id, group_id, account_id) ON DELETE CASCADE,
  CONSTRAINT space_notify_settings_mode_check CHECK (mode IN ('every', 'daily', 'none'))
);
