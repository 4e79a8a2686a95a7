-- Webhooks (Standard Webhooks 1.0, issue 12). Endpoints keep their signing secret encrypted
-- (AES-256-GCM, key derived from SESSION_SECRET): it must be read back to sign.
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  url text NOT NULL,
  events text[] NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text,
  secret_enc text NOT NULL,
  previous_secret_enc text,
  previous_secret_until timestamptz,
  failing_since timestamptz,
  lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_org_idx ON webhook_endpoints (org_id, created_at);

-- The outbox: one message per event, written in the transaction of the change that caused it.
-- Its id is the `webhook-id` header, the same across retries and redeliveries.
CREATE TABLE webhook_messages (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_messages_org_idx ON webhook_messages (org_id, created_at);

-- One delivery of a message to an endpoint; `seq` orders an endpoint's deliveries.
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  message_id uuid NOT NULL REFERENCES webhook_messages(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_status_code integer,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (endpoint_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at);
CREATE INDEX webhook_deliveries_message_idx ON webhook_deliveries (message_id);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  status_code integer,
  duration_ms integer NOT NULL,
  response_excerpt text,
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, created_at);

-- Provisioning (issue 12): the person another system knows by its own id. It points at the account
-- once there is one, or at the invitation sent; the hash of the last applied request makes the same
-- PUT again a no-op.
CREATE TABLE provisioned_people (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_id text NOT NULL,
  email_key text NOT NULL,
  account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
  invitation_id uuid,
  request_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, external_id)
);
CREATE INDEX provisioned_people_email_idx ON provisioned_people (org_id, email_key);
