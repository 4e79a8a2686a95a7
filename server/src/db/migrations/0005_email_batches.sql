-- Large sends (bulk invitations, imports) are delivered by one job per batch instead of one job per email.
ALTER TABLE emails ADD COLUMN batch_id uuid;
CREATE INDEX emails_batch_idx ON emails (batch_id, status) WHERE batch_id IS NOT NULL;
