-- The dashboard of a large group (issue 14), kept as computed: reading 100,000 people and their
-- enrolments takes about half a second, so a group of DASHBOARD_LIVE_MAX people or more is served
-- from its last computation (at most DASHBOARD_FRESH_SECONDS old, then refreshed in the background).
-- refresh_queued_at: a refresh job was queued and has not finished (only one at a time).
CREATE TABLE group_dashboards (
  org_id uuid NOT NULL,
  group_id uuid NOT NULL,
  computed_at timestamptz NOT NULL,
  people integer NOT NULL,
  payload jsonb NOT NULL,
  refresh_queued_at timestamptz,
  PRIMARY KEY (org_id, group_id),
  FOREIGN KEY (org_id, group_id) REFERENCES groups(org_id, id) ON DELETE CASCADE
);
