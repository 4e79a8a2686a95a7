-- Columns that reference other rows need an index, or deleting the referenced rows scans the table
-- once per row (measured: 20,000 invitations took 34 s to delete).
CREATE INDEX invitations_replaces_idx ON invitations (replaces_id) WHERE replaces_id IS NOT NULL;
CREATE INDEX invitations_account_idx ON invitations (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX invitations_invited_by_idx ON invitations (invited_by) WHERE invited_by IS NOT NULL;
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id) WHERE actor_id IS NOT NULL;
