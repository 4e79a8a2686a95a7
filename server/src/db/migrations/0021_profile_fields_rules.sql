-- Custom profile fields, their values per member, and groups that fill themselves by a rule (issue 15).
CREATE TABLE profile_fields (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  key text NOT NULL,
  label_en text NOT NULL,
  label_fr text,
  type text NOT NULL CHECK (type IN ('text', 'choice', 'multi_choice', 'date', 'number', 'boolean')),
  options text[] NOT NULL DEFAULT '{}',
  learner_visible boolean NOT NULL DEFAULT false,
  learner_editable boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX profile_fields_org_key_idx ON profile_fields (org_id, key);

-- One row per (member, field) that has a value, typed columns instead of one text: a rule becomes a
-- plain indexed comparison evaluated set-based for 100,000 people (`value_date < $1`,
-- `value_num > $1`, `$1 = ANY(value_arr)`) with no cast per row that could fail on bad data.
-- text, choice and boolean ('true'/'false') use value_text, kept with its lower-case form in
-- value_key so equality and prefixes ignore case through an index. The primary key starts with the
-- field: "everyone whose department is Sales" is one index range; the account index serves the
-- member page and the re-evaluation of one person. A value goes when its field or membership goes.
CREATE TABLE member_field_values (
  org_id uuid NOT NULL,
  field_id uuid NOT NULL REFERENCES profile_fields(id) ON DELETE CASCADE,
  account_id uuid NOT NULL,
  value_text text,
  value_key text,
  value_num double precision,
  value_date date,
  value_arr text[],
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (field_id, account_id),
  FOREIGN KEY (org_id, account_id) REFERENCES memberships(org_id, account_id) ON DELETE CASCADE
);
CREATE INDEX member_field_values_key_idx ON member_field_values (field_id, value_key);
CREATE INDEX member_field_values_account_idx ON member_field_values (org_id, account_id);

-- A group's membership rule (absent: the group is manual). `field_keys` lists the fields it reads so a
-- change to one person re-evaluates only the rules that use the changed fields (GIN: `&&`).
-- `broken_at`: a field it used was deleted; the group then stops changing until the rule is saved again.
-- `run_*`: the last application (a background job for a large organization), for its progress.
CREATE TABLE group_rules (
  group_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  match text NOT NULL CHECK (match IN ('all', 'any')),
  conditions jsonb NOT NULL,
  field_keys text[] NOT NULL DEFAULT '{}',
  broken_at timestamptz,
  broken_field text,
  run_status text NOT NULL DEFAULT 'done' CHECK (run_status IN ('queued', 'running', 'done', 'failed')),
  run_added integer NOT NULL DEFAULT 0,
  run_removed integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, group_id) REFERENCES groups(org_id, id) ON DELETE CASCADE
);
CREATE INDEX group_rules_org_idx ON group_rules (org_id);
CREATE INDEX group_rules_fields_idx ON group_rules USING gin (field_keys);

-- Per-group exceptions to its rule: 'always' in the group, or 'never', whatever the fields say.
CREATE TABLE group_rule_exceptions (
  org_id uuid NOT NULL,
  group_id uuid NOT NULL,
  account_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('always', 'never')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, account_id),
  FOREIGN KEY (org_id, group_id) REFERENCES groups(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, account_id) REFERENCES memberships(org_id, account_id) ON DELETE CASCADE
);
