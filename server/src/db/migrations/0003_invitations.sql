-- Invitations of every kind (email, passcode, join page, program session), their link tokens
-- (a resend replaces the token; old links then say so), passcodes with a registration cap,
-- and background batches for very long address lists.

ALTER TABLE organizations ADD COLUMN invitation_ttl_days integer CHECK (invitation_ttl_days IS NULL OR invitation_ttl_days > 0);

CREATE TABLE passcodes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  -- SHA-256 of the upper-cased passcode; the passcode itself is never stored
  code_hash text NOT NULL,
  capacity integer NOT NULL CHECK (capacity > 0),
  used integer NOT NULL DEFAULT 0,
  group_ids uuid[] NOT NULL,
  role text NOT NULL DEFAULT 'learner',
  message text,
  enabled boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT passcodes_used_check CHECK (used >= 0 AND used <= capacity)
);
CREATE UNIQUE INDEX passcodes_enabled_code_idx ON passcodes (code_hash) WHERE enabled;
CREATE INDEX passcodes_org_idx ON passcodes (org_id, created_at DESC);

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  kind text NOT NULL,
  email text NOT NULL,
  email_key text NOT NULL,
  status text NOT NULL DEFAULT 'prospect',
  role text NOT NULL DEFAULT 'learner',
  location_id uuid REFERENCES locations(id) ON DELETE SET NULL,
  group_ids uuid[] NOT NULL DEFAULT '{}',
  session_id uuid REFERENCES program_sessions(id) ON DELETE CASCADE,
  passcode_id uuid REFERENCES passcodes(id) ON DELETE CASCADE,
  message text,
  send_copy_to_me boolean NOT NULL DEFAULT false,
  invited_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  send_at timestamptz,
  sent_at timestamptz,
  accepted_at timestamptz,
  declined_at timestamptz,
  cancelled_at timestamptz,
  expires_at timestamptz,
  account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
  replaces_id uuid REFERENCES invitations(id) ON DELETE SET NULL,
  -- the newest invitation of this address in this organization: the one the members list shows
  is_current boolean NOT NULL DEFAULT true,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_list_idx ON invitations (org_id, created_at DESC, id DESC) WHERE is_current AND status <> 'active';
CREATE INDEX invitations_status_idx ON invitations (org_id, status, created_at DESC, id DESC);
CREATE INDEX invitations_email_idx ON invitations (org_id, email_key);
CREATE UNIQUE INDEX invitations_passcode_account_idx ON invitations (passcode_id, account_id) WHERE passcode_id IS NOT NULL;

CREATE TABLE invitation_tokens (
  token_hash text PRIMARY KEY,
  invitation_id uuid NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  replaced_at timestamptz
);
CREATE INDEX invitation_tokens_invitation_idx ON invitation_tokens (invitation_id);

CREATE TABLE invitation_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  created_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'queued',
  request jsonb NOT NULL,
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

CREATE INDEX memberships_list_idx ON memberships (org_id, created_at DESC, account_id DESC);
CREATE INDEX memberships_status_idx ON memberships (org_id, status, created_at DESC, account_id DESC);
