-- Weekly digests to observers: one row per observer, organization and week, written in the same
-- transaction as the email, so a rerun of the job never sends a week's digest twice.
CREATE TABLE observer_digests (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  week date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, account_id, week)
);
CREATE INDEX observer_digests_account_idx ON observer_digests (account_id);
