-- Rules the code relies on, kept by the database itself: one open invitation per address (two
-- requests at once can no longer both insert), and CHECK constraints on every enumerated column.
-- Adding a value to one of these lists needs a migration that replaces its CHECK.

-- Open invitations whose time ran out are expired: a fresh invitation of the address may be open beside them.
UPDATE invitations SET status = 'expired', updated_at = now()
  WHERE status IN ('prospect', 'pending') AND expires_at IS NOT NULL AND expires_at <= now();

-- Duplicates of open invitations written by concurrent requests before this migration: the oldest stays
-- open, the newer ones are cancelled (their links then say so).
WITH ranked AS (
  SELECT id, row_number() OVER (
    PARTITION BY CASE WHEN kind = 'session' THEN session_id::text ELSE org_id::text END, kind, email_key
    ORDER BY created_at, id
  ) AS n
  FROM invitations
  WHERE status IN ('prospect', 'pending') AND kind IN ('email', 'join_page', 'session')
)
UPDATE invitations i SET status = 'cancelled', cancelled_at = now(), is_current = false, updated_at = now()
  FROM ranked r WHERE r.id = i.id AND r.n > 1;

-- One open email (or join page) invitation per organization and address; one open invitation per session and address.
CREATE UNIQUE INDEX invitations_open_address_idx ON invitations (org_id, kind, email_key)
  WHERE status IN ('prospect', 'pending') AND kind IN ('email', 'join_page');
CREATE UNIQUE INDEX invitations_open_session_idx ON invitations (session_id, email_key)
  WHERE status IN ('prospect', 'pending') AND kind = 'session';

ALTER TABLE accounts ADD CONSTRAINT accounts_locale_check CHECK (locale IN ('en', 'fr'));
ALTER TABLE memberships
  ADD CONSTRAINT memberships_role_check CHECK (role IN ('owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest')),
  ADD CONSTRAINT memberships_status_check CHECK (status IN ('active', 'archived'));
ALTER TABLE emails ADD CONSTRAINT emails_status_check CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled'));
ALTER TABLE passcodes
  ADD CONSTRAINT passcodes_role_check CHECK (role IN ('owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest'));
ALTER TABLE invitations
  ADD CONSTRAINT invitations_kind_check CHECK (kind IN ('email', 'passcode', 'join_page', 'session')),
  ADD CONSTRAINT invitations_status_check CHECK (status IN ('prospect', 'pending', 'active', 'declined', 'cancelled', 'expired')),
  ADD CONSTRAINT invitations_role_check CHECK (role IN ('owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest'));
ALTER TABLE invitation_batches ADD CONSTRAINT invitation_batches_status_check CHECK (status IN ('queued', 'running', 'done', 'failed'));
ALTER TABLE imports
  ADD CONSTRAINT imports_mode_check CHECK (mode IN ('invite', 'create')),
  ADD CONSTRAINT imports_status_check CHECK (status IN ('preview', 'approved', 'running', 'done', 'rejected', 'failed')),
  ADD CONSTRAINT imports_source_check CHECK (source IN ('file', 'paste'));
ALTER TABLE import_rows
  ADD CONSTRAINT import_rows_role_check CHECK (role IS NULL OR role IN ('owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest')),
  ADD CONSTRAINT import_rows_outcome_check CHECK (outcome IN ('valid', 'invalid', 'duplicate', 'conflict')),
  ADD CONSTRAINT import_rows_result_check CHECK (result IS NULL OR result IN ('created', 'invited', 'added_to_groups', 'already_there', 'skipped'));
