-- Imports that update and sync (issue 15). An import adds only (as before), adds and updates the
-- members it names, or syncs: members of the organization (or of the chosen groups) the file does
-- not name are archived, and group memberships become the file's. Each row's planned change, field
-- by field, is kept for the preview ({"field": {"before": …, "after": …}}).
ALTER TABLE imports ADD COLUMN sync_mode text NOT NULL DEFAULT 'add';
ALTER TABLE imports ADD CONSTRAINT imports_sync_mode_check CHECK (sync_mode IN ('add', 'update', 'sync'));
ALTER TABLE import_rows ADD COLUMN changes jsonb;
ALTER TABLE import_rows DROP CONSTRAINT import_rows_result_check;
ALTER TABLE import_rows ADD CONSTRAINT import_rows_result_check
  CHECK (result IS NULL OR result IN ('created', 'invited', 'added_to_groups', 'updated', 'already_there', 'skipped'));
-- Built-in member fields an import can set and update (the profile-fields work may read them too).
ALTER TABLE memberships ADD COLUMN IF NOT EXISTS location_id uuid REFERENCES locations(id) ON DELETE SET NULL;
ALTER TABLE memberships ADD COLUMN IF NOT EXISTS external_id text;

-- Due dates relative to enrolment: a session may be due N days after each person's enrolment; the
-- enrolment keeps its own due date (null: the session's close date, if any, is the due date).
ALTER TABLE program_sessions ADD COLUMN due_days_after_enrolment integer;
ALTER TABLE program_sessions ADD CONSTRAINT program_sessions_due_days_check
  CHECK (due_days_after_enrolment IS NULL OR due_days_after_enrolment BETWEEN 1 AND 3650);
-- Reminder emails to the learner: N days before the due date, and once late (off unless set).
ALTER TABLE program_sessions ADD COLUMN remind_days_before integer;
ALTER TABLE program_sessions ADD CONSTRAINT program_sessions_remind_days_check
  CHECK (remind_days_before IS NULL OR remind_days_before BETWEEN 1 AND 365);
ALTER TABLE program_sessions ADD COLUMN remind_when_late boolean NOT NULL DEFAULT false;
ALTER TABLE enrolments ADD COLUMN due_at timestamptz;
CREATE INDEX enrolments_due_idx ON enrolments (due_at) WHERE due_at IS NOT NULL AND completed_at IS NULL;

-- One reminder per enrolment and kind, whatever the number of runs: the key is the claim.
CREATE TABLE due_reminders (
  enrolment_id uuid NOT NULL REFERENCES enrolments(id) ON DELETE CASCADE,
  kind text NOT NULL CONSTRAINT due_reminders_kind_check CHECK (kind IN ('before', 'late')),
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (enrolment_id, kind)
);
