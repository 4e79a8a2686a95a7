-- Seats (issue 16): an organization (group_id NULL) and optionally each group may have a seat limit.
-- A way in locks the limit rows it is subject to (FOR UPDATE) before the statement that adds the
-- membership counts and inserts, so concurrent ways in never exceed a limit. `alerted_pct` remembers
-- the last threshold (90, 100) admins were emailed about, so each crossing is mailed once.
CREATE TABLE seat_limits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  group_id uuid,
  seat_limit integer NOT NULL CHECK (seat_limit >= 0),
  alerted_pct integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, group_id) REFERENCES groups(org_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX seat_limits_scope_idx ON seat_limits (org_id, coalesce(group_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- Single sign-on (OpenID Connect) connections of an organization; the client secret is sealed (AES-256-GCM).
CREATE TABLE sso_connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  issuer text NOT NULL,
  client_id text NOT NULL,
  client_secret_sealed text NOT NULL,
  scopes text NOT NULL DEFAULT 'openid email profile',
  name_claim text NOT NULL DEFAULT 'name',
  locale_claim text NOT NULL DEFAULT 'locale',
  groups_claim text,
  group_map jsonb NOT NULL DEFAULT '{}'::jsonb, -- claim value -> Troupe group ids
  default_role text NOT NULL DEFAULT 'learner' CHECK (default_role IN ('learner', 'guest')),
  default_group_ids uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sso_connections_org_idx ON sso_connections (org_id);

-- A person at an identity provider: (issuer, subject), never the email claim alone.
CREATE TABLE sso_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  connection_id uuid REFERENCES sso_connections(id) ON DELETE SET NULL,
  issuer text NOT NULL,
  subject text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz,
  UNIQUE (issuer, subject)
);
CREATE INDEX sso_identities_account_idx ON sso_identities (account_id);

-- A sign-in in flight: state (stored hashed), bound to the browser by a cookie (its hash), with the
-- PKCE verifier and nonce. Single use (used_at), short-lived.
CREATE TABLE sso_logins (
  state_hash text PRIMARY KEY,
  connection_id uuid NOT NULL REFERENCES sso_connections(id) ON DELETE CASCADE,
  mode text NOT NULL CHECK (mode IN ('sign_in', 'test', 'link')),
  account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
  browser_hash text NOT NULL,
  code_verifier text NOT NULL,
  nonce text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  -- "test connection": the claims received, shown to the admin who tested
  claims jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Group memberships that single sign-on's group mapping made (and may therefore remove).
CREATE TABLE sso_group_grants (
  org_id uuid NOT NULL,
  group_id uuid NOT NULL,
  account_id uuid NOT NULL,
  connection_id uuid NOT NULL REFERENCES sso_connections(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, group_id, account_id),
  FOREIGN KEY (org_id, group_id, account_id) REFERENCES group_members(org_id, group_id, account_id) ON DELETE CASCADE
);
