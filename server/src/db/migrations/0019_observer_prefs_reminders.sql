-- Issue 14, "observers at a glance": each observer chooses per group how often the digest comes
-- (weekly, as before; daily; or off). No row means weekly. A digest sent is claimed per observer,
-- organization, period kind and period start, in the transaction that queues it.
CREATE TABLE observer_digest_prefs (
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  frequency text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, group_id),
  CONSTRAINT observer_digest_prefs_frequency_check CHECK (frequency IN ('weekly', 'daily', 'off'))
);
CREATE INDEX observer_digest_prefs_org_idx ON observer_digest_prefs (org_id, account_id);

ALTER TABLE observer_digests ADD COLUMN period text NOT NULL DEFAULT 'weekly';
ALTER TABLE observer_digests ADD CONSTRAINT observer_digests_period_check CHECK (period IN ('weekly', 'daily'));
ALTER TABLE observer_digests DROP CONSTRAINT observer_digests_pkey;
ALTER TABLE observer_digests ADD PRIMARY KEY (org_id, account_id, period, week);

-- Issue 14, "invitation reminders": per organization (off until turned on), and per invitation when a
-- batch or an import overrides it. The per-invitation row also counts the reminders sent: the cron job
-- claims a reminder by moving sent_count from n to n + 1 (a second run finds it already moved).
CREATE TABLE invitation_reminder_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  enabled boolean NOT NULL DEFAULT false,
  after_days integer NOT NULL DEFAULT 3,
  max_count integer NOT NULL DEFAULT 2,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT invitation_reminder_settings_after_check CHECK (after_days > 0),
  CONSTRAINT invitation_reminder_settings_max_check CHECK (max_count > 0)
);

CREATE TABLE invitation_reminders (
  invitation_id uuid PRIMARY KEY REFERENCES invitations(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  enabled boolean,
  after_days integer,
  max_count integer,
  sent_count integer NOT NULL DEFAULT 0,
  last_sent_at timestamptz,
  CONSTRAINT invitation_reminders_after_check CHECK (after_days IS NULL OR after_days > 0),
  CONSTRAINT invitation_reminders_max_check CHECK (max_count IS NULL OR max_count > 0)
);
CREATE INDEX invitation_reminders_org_idx ON invitation_reminders (org_id);
-- The cron job looks for open, delivered email invitations; this keeps that probe small.
CREATE INDEX invitations_remindable_idx ON invitations (org_id, sent_at) WHERE status = 'pending' AND kind = 'email';
