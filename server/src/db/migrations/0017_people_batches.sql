-- Batch provisioning (issue 12): up to 10,000 people in one request, applied by a background job in
-- one transaction, like an import. The batch row is the claim (status) and the progress; each person
-- is one row with its request and, once applied, its result.
CREATE TABLE people_batches (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  created_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  actor jsonb NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  total integer NOT NULL,
  rows_done integer NOT NULL DEFAULT 0,
  progress integer NOT NULL DEFAULT 0,
  counts jsonb NOT NULL DEFAULT '{}',
  error text,
  heartbeat_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX people_batches_org_idx ON people_batches (org_id, created_at);
CREATE INDEX people_batches_open_idx ON people_batches (status) WHERE status IN ('queued', 'running');

CREATE TABLE people_batch_rows (
  batch_id uuid NOT NULL REFERENCES people_batches(id) ON DELETE CASCADE,
  line integer NOT NULL,
  external_id text NOT NULL,
  input jsonb NOT NULL,
  outcome text CHECK (outcome IS NULL OR outcome IN ('created', 'updated', 'unchanged', 'failed')),
  result jsonb,
  PRIMARY KEY (batch_id, line)
);
