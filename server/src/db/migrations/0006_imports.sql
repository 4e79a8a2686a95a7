-- Bulk imports: the stored file, its rows with their validation, the approval, and a per-row result.
CREATE TABLE imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  created_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  approved_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  mode text NOT NULL,
  status text NOT NULL DEFAULT 'preview',
  source text NOT NULL,
  file_key text,
  file_name text,
  file_size integer,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  columns jsonb NOT NULL DEFAULT '{}'::jsonb,
  counts jsonb NOT NULL DEFAULT '{}'::jsonb,
  result jsonb,
  progress integer NOT NULL DEFAULT 0,
  rows_done integer NOT NULL DEFAULT 0,
  error text,
  heartbeat_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  approved_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX imports_org_idx ON imports (org_id, created_at DESC, id DESC);

CREATE TABLE import_rows (
  import_id uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  line integer NOT NULL,
  email text NOT NULL,
  email_key text,
  first_name text NOT NULL DEFAULT '',
  last_name text NOT NULL DEFAULT '',
  group_names text[] NOT NULL DEFAULT '{}',
  role_text text NOT NULL DEFAULT '',
  role text,
  location_text text NOT NULL DEFAULT '',
  external_id text NOT NULL DEFAULT '',
  group_ids uuid[] NOT NULL DEFAULT '{}',
  location_id uuid,
  outcome text NOT NULL DEFAULT 'valid',
  messages jsonb NOT NULL DEFAULT '[]'::jsonb,
  already_member boolean NOT NULL DEFAULT false,
  result text,
  result_reason text,
  account_id uuid,
  PRIMARY KEY (import_id, line)
);
CREATE INDEX import_rows_email_idx ON import_rows (import_id, email_key);
CREATE INDEX import_rows_outcome_idx ON import_rows (import_id, outcome, line);
