// Hand-written until the server publishes /api/openapi.json; then generate with openapi-typescript.

export type Locale = 'en' | 'fr';

export type Role = 'owner' | 'admin' | 'manager_full' | 'manager_limited' | 'learner' | 'guest';

export type Permission =
  | 'org.read'
  | 'org.update'
  | 'locations.manage'
  | 'audit.read'
  | 'members.read'
  | 'members.manage'
  | 'groups.read'
  | 'groups.manage'
  | 'programs.read'
  | 'programs.manage'
  | 'invitations.read'
  | 'invitations.manage'
  | 'invitations.resend'
  | 'imports.manage'
  | 'joinpage.manage'
  | 'apikeys.manage'
  | 'learning.self';

export type Account = {
  id: string;
  email: string;
  name: string;
  locale: string | null;
  verifiedAt: string | null;
};

export type Membership = {
  orgId: string;
  orgName: string;
  orgSlug: string;
  role: Role;
  status: 'active' | 'archived';
  permissions: Permission[];
};

export type Me = {
  account: Account;
  memberships: Membership[];
};

export type Org = {
  id: string;
  name: string;
  slug: string;
  role?: Role;
  permissions?: Permission[];
};

export type Page<T> = {
  items: T[];
  nextCursor: string | null;
};

export type Location = {
  id: string;
  name: string;
  archivedAt: string | null;
};

export type AuditEvent = {
  id: string;
  action: string;
  actorId: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  createdAt: string;
  data: unknown;
};
