-- Accounts, invitations, emails and set-password tokens arrive 100,000 at a time (imports, bulk invitations). With random
-- (version 4) ids every inserted row touches a random page of each index on these ids and of the
-- indexes that reference them (memberships, group_members, enrolments, tokens); time-ordered ids
-- (troupe_uuid_v7, from 0002) append to the right-hand pages instead.
ALTER TABLE accounts ALTER COLUMN id SET DEFAULT troupe_uuid_v7();
ALTER TABLE invitations ALTER COLUMN id SET DEFAULT troupe_uuid_v7();
ALTER TABLE emails ALTER COLUMN id SET DEFAULT troupe_uuid_v7();
ALTER TABLE auth_tokens ALTER COLUMN id SET DEFAULT troupe_uuid_v7();
