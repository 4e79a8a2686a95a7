-- Groups (sub-groups of any depth), members, observers, programs with sessions, assignments of
-- sessions to groups, enrolments and certificates. Every table carries org_id; composite foreign
-- keys (org_id, x_id) keep a row from pointing at another organization's group, session or member.

CREATE TABLE groups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  parent_id uuid,
  name text NOT NULL,
  -- trimmed, inner spaces collapsed, lower-cased: what sibling names are compared by
  name_key text NOT NULL,
  description text,
  welcome_message text,
  logo_key text,
  background_key text,
  default_referent_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, parent_id) REFERENCES groups(org_id, id)
);
CREATE UNIQUE INDEX groups_sibling_name_idx ON groups (org_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), name_key);
CREATE INDEX groups_parent_idx ON groups (parent_id);

CREATE TABLE group_members (
  org_id uuid NOT NULL,
  group_id uuid NOT NULL,
  account_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, group_id, account_id),
  FOREIGN KEY (org_id, group_id) REFERENCES groups(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, account_id) REFERENCES memberships(org_id, account_id) ON DELETE CASCADE
);
CREATE INDEX group_members_account_idx ON group_members (org_id, account_id);

CREATE TABLE group_observers (
  org_id uuid NOT NULL,
  group_id uuid NOT NULL,
  account_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, group_id, account_id),
  FOREIGN KEY (org_id, group_id) REFERENCES groups(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, account_id) REFERENCES memberships(org_id, account_id) ON DELETE CASCADE
);
CREATE INDEX group_observers_account_idx ON group_observers (org_id, account_id);

CREATE TABLE programs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  title text NOT NULL,
  description text,
  referent_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);
CREATE INDEX programs_org_title_idx ON programs (org_id, title, id);

CREATE TABLE program_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  program_id uuid NOT NULL,
  opens_at timestamptz NOT NULL,
  closes_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, program_id) REFERENCES programs(org_id, id) ON DELETE CASCADE,
  CONSTRAINT program_sessions_dates_check CHECK (closes_at IS NULL OR closes_at > opens_at)
);
CREATE INDEX program_sessions_program_idx ON program_sessions (program_id, opens_at);

CREATE TABLE assignments (
  org_id uuid NOT NULL,
  group_id uuid NOT NULL,
  session_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, group_id, session_id),
  FOREIGN KEY (org_id, group_id) REFERENCES groups(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, session_id) REFERENCES program_sessions(org_id, id) ON DELETE CASCADE
);
CREATE INDEX assignments_session_idx ON assignments (session_id);

-- A time-ordered UUID (version 7 layout: 48-bit Unix milliseconds, then random bits). Enrolments
-- arrive 100,000 at a time; ordered keys fill the primary-key index page by page instead of at random.
CREATE FUNCTION troupe_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;

CREATE TABLE enrolments (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL,
  session_id uuid NOT NULL,
  -- No foreign key to accounts: checking one locks every learner's account row (measured: +1.5 s,
  -- +40 %, when a session is attached to 100,000 members). Rows come only from group_members, which
  -- references memberships → accounts; the trigger below removes the enrolments of deleted accounts.
  account_id uuid NOT NULL,
  percent smallint NOT NULL DEFAULT 0,
  started_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (session_id, account_id),
  FOREIGN KEY (org_id, session_id) REFERENCES program_sessions(org_id, id) ON DELETE CASCADE,
  CONSTRAINT enrolments_percent_check CHECK (percent BETWEEN 0 AND 100)
);
CREATE INDEX enrolments_account_idx ON enrolments (account_id);
CREATE INDEX enrolments_org_idx ON enrolments (org_id, created_at DESC, id DESC);
-- Only the enrolments with progress: what carrying progress over to a new session looks up.
CREATE INDEX enrolments_started_idx ON enrolments (session_id, account_id) WHERE percent > 0 OR completed_at IS NOT NULL;

-- What ON DELETE CASCADE on enrolments.account_id would do, once per statement instead of a lock per inserted row.
CREATE FUNCTION enrolments_forget_deleted_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM enrolments e USING deleted_accounts d WHERE e.account_id = d.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER accounts_deleted_enrolments AFTER DELETE ON accounts
  REFERENCING OLD TABLE AS deleted_accounts FOR EACH STATEMENT EXECUTE FUNCTION enrolments_forget_deleted_accounts();

CREATE TABLE certificates (
  -- random, at least 128 bits; printed on the certificate and used to look it up
  id text PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  program_id uuid NOT NULL,
  session_id uuid NOT NULL,
  enrolment_id uuid NOT NULL UNIQUE REFERENCES enrolments(id) ON DELETE CASCADE,
  issued_at timestamptz NOT NULL,
  UNIQUE (program_id, account_id),
  FOREIGN KEY (org_id, program_id) REFERENCES programs(org_id, id) ON DELETE CASCADE
);
