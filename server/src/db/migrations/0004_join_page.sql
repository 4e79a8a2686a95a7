-- The public join page of an organization (/join/<slug>): on or off, its address, the email domains
-- allowed (empty: anyone), and the groups and locations offered. Each request made on the page is an
-- invitation of kind `join_page` (0003_invitations.sql), so its link is stored hashed, works once and
-- only for the address it was sent to.

CREATE TABLE join_pages (
  org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  enabled boolean NOT NULL DEFAULT false,
  -- lower-case letters, digits and single hyphens; unique across organizations
  slug text NOT NULL UNIQUE CONSTRAINT join_pages_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  -- normalized entries: `example.com` (that domain exactly) or `*.example.com` (its sub-domains), punycode
  allowed_domains text[] NOT NULL DEFAULT '{}',
  -- in the order the page offers them; the first one with a logo brands the page
  group_ids uuid[] NOT NULL DEFAULT '{}',
  location_ids uuid[] NOT NULL DEFAULT '{}',
  updated_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
