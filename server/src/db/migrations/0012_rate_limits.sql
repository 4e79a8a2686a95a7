-- Rate limits counted in the database, so every web process shares one count per key and a restart
-- keeps it. One row per key and fixed window; each hit is one INSERT … ON CONFLICT DO UPDATE.
-- UNLOGGED: counters are not worth WAL (after a PostgreSQL crash the table starts empty).
CREATE UNLOGGED TABLE rate_limits (
  key text PRIMARY KEY,
  count integer NOT NULL,
  window_start timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX rate_limits_expires_idx ON rate_limits (expires_at);
