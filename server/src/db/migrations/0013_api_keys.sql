-- Organization API keys (issue 12). The secret `trp_…` is shown once; only its SHA-256 is kept,
-- with a short visible prefix so people recognise a key in the list.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  scopes text[] NOT NULL,
  created_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  last_used_ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_org_idx ON api_keys (org_id, created_at);

-- Answers to POST requests made with a key and an Idempotency-Key header, kept 24 hours: a retry
-- with the same body gets the first answer back, and nothing is done twice. In the database so
-- several app processes share it.
CREATE TABLE idempotency_keys (
  api_key_id uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  key text NOT NULL,
  request_hash text NOT NULL,
  status_code integer,
  response_body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (api_key_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
