-- Changing an account's email address (issue 14): the request waits for the new address to be proven
-- by the link mailed to it; until then the account keeps its address. Only the token's SHA-256 is
-- stored. A newer request for the same account closes the older one (cancelled_at).
CREATE TABLE email_changes (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  old_email text NOT NULL,
  new_email text NOT NULL,
  new_email_key text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  requested_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  org_id uuid REFERENCES organizations(id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_changes_account_idx ON email_changes (account_id);

-- Invitations per group (issue 14): the list newest first for any status (the list index above is
-- partial), and the group filter through the groups an invitation leads to.
CREATE INDEX invitations_org_created_idx ON invitations (org_id, created_at DESC, id DESC);
CREATE INDEX invitations_group_ids_idx ON invitations USING gin (group_ids);
