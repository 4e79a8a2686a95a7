-- SCIM 2.0 provisioning (issue 13). An organization turns it on, chooses what a provisioned person
-- becomes, and gives its identity provider a bearer token (`scim_…`, shown once, stored as SHA-256).
CREATE TABLE scim_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  enabled boolean NOT NULL DEFAULT false,
  -- 'set_password': a managed account gets an email to choose its password; 'sso': no email.
  account_mode text NOT NULL DEFAULT 'set_password' CHECK (account_mode IN ('set_password', 'sso')),
  role text NOT NULL DEFAULT 'learner' CHECK (role IN ('manager_full', 'manager_limited', 'learner', 'guest')),
  default_group_ids uuid[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scim_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scim_tokens_org_idx ON scim_tokens (org_id, created_at);

-- The organization's record of a person, as its identity provider wrote it. Its id is the SCIM id:
-- time-ordered (stable paging), the organization's own (never the global account id), and never
-- reused (a deleted row's id is gone for good). The account is linked once it exists in the
-- organization (at once for a managed account; after acceptance for an invited existing account).
CREATE TABLE scim_users (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_name text NOT NULL,
  user_name_key text NOT NULL,
  external_id text,
  email text NOT NULL,
  email_key text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
  invitation_id uuid,
  given_name text,
  family_name text,
  display_name text,
  employee_number text,
  department text,
  cost_center text,
  organization text,
  division text,
  manager_id text,
  -- Every other attribute the provider sent (title, phoneNumbers, addresses…), returned as sent.
  extra jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scim_users_user_name_idx ON scim_users (org_id, user_name_key);
CREATE INDEX scim_users_external_idx ON scim_users (org_id, external_id);
CREATE INDEX scim_users_email_idx ON scim_users (org_id, email_key);
CREATE INDEX scim_users_account_idx ON scim_users (account_id);
-- Users invited as existing accounts, until they accept (then linked to their account).
CREATE INDEX scim_users_pending_idx ON scim_users (org_id) WHERE account_id IS NULL AND invitation_id IS NOT NULL;

-- A SCIM group is a Troupe group; its members drive the group's membership (and so enrolments).
CREATE TABLE scim_groups (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  group_id uuid NOT NULL UNIQUE REFERENCES groups(id) ON DELETE CASCADE,
  external_id text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scim_groups_org_idx ON scim_groups (org_id, id);

-- Members as the provider sees them (people still pending acceptance included).
CREATE TABLE scim_group_members (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  scim_group_id uuid NOT NULL REFERENCES scim_groups(id) ON DELETE CASCADE,
  scim_user_id uuid NOT NULL REFERENCES scim_users(id) ON DELETE CASCADE,
  PRIMARY KEY (scim_group_id, scim_user_id)
);
CREATE INDEX scim_group_members_user_idx ON scim_group_members (scim_user_id);

-- One row per SCIM request: what the admin sees in Settings → Provisioning.
CREATE TABLE scim_log (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  token_id uuid REFERENCES scim_tokens(id) ON DELETE SET NULL,
  method text NOT NULL,
  operation text NOT NULL,
  resource_type text,
  resource_id text,
  status integer NOT NULL,
  error text,
  duration_ms integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scim_log_org_idx ON scim_log (org_id, id);
