-- Who may come in (issue 16): domains an organization proves it owns, and people asking to join.
--
-- A domain is claimed by adding it (normalised: lower case, punycode, no trailing dot) and proven by a
-- DNS TXT record `troupe-verification=<token>` at the domain. The token is published in DNS, so it is
-- no secret: it is kept as is to show the record again. A domain is verified by at most one
-- organization at a time (the partial unique index); several may claim it while none has proven it.
-- Its policy says what a person who proves an address at the domain may do: nothing (`none`), ask to
-- join (`suggest`: a join request), or join at once as a learner in `group_ids` (`auto_join`).
-- `sso_enforced` and `sso_connection_id` belong to single sign-on (its migration adds the foreign key).
CREATE TABLE org_domains (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  domain text NOT NULL,
  verification_token text NOT NULL,
  verified_at timestamptz,
  last_checked_at timestamptz,
  policy text NOT NULL DEFAULT 'none' CONSTRAINT org_domains_policy_check CHECK (policy IN ('none', 'suggest', 'auto_join')),
  group_ids uuid[] NOT NULL DEFAULT '{}',
  sso_enforced boolean NOT NULL DEFAULT false,
  sso_connection_id uuid,
  created_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX org_domains_org_domain_idx ON org_domains (org_id, domain);
CREATE UNIQUE INDEX org_domains_verified_idx ON org_domains (domain) WHERE verified_at IS NOT NULL;

-- A person asking to join: from a domain whose policy is `suggest`, or from a join page that requires
-- approval. The address was proven before the request exists (a verification link or a verified
-- account). Until an admin approves, the organization sees only the address and what the person chose
-- (group, location). One pending request per address and organization.
CREATE TABLE join_requests (
  id uuid PRIMARY KEY DEFAULT troupe_uuid_v7(),
  org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
  email text NOT NULL,
  email_key text NOT NULL,
  -- the group and location the person chose; a domain request without a group joins the domain's groups
  group_id uuid REFERENCES groups(id) ON DELETE SET NULL,
  location_id uuid REFERENCES locations(id) ON DELETE SET NULL,
  domain_id uuid REFERENCES org_domains(id) ON DELETE SET NULL,
  source text NOT NULL CONSTRAINT join_requests_source_check CHECK (source IN ('domain', 'join_page')),
  status text NOT NULL DEFAULT 'pending' CONSTRAINT join_requests_status_check CHECK (status IN ('pending', 'approved', 'rejected')),
  locale text,
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
  decided_at timestamptz
);
CREATE UNIQUE INDEX join_requests_pending_idx ON join_requests (org_id, email_key) WHERE status = 'pending';
CREATE INDEX join_requests_org_status_idx ON join_requests (org_id, status, created_at DESC, id DESC);

-- The join page may require an admin's approval of each person who verifies their address.
ALTER TABLE join_pages ADD COLUMN require_approval boolean NOT NULL DEFAULT false;
