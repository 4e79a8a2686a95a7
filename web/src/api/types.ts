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

/** Member statuses, shared by memberships and invitations (see StatusBadge). */
export const MEMBER_STATUSES = ['prospect', 'pending', 'active', 'declined', 'cancelled', 'expired', 'archived'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const ROLES: readonly Role[] = ['owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest'];
/** Roles that may be observers or referents. */
export const STAFF_ROLES: readonly Role[] = ['owner', 'admin', 'manager_full', 'manager_limited'];

export type Person = { id: string; name: string; email: string };

// Groups (server/src/modules/groups/groups.schemas.ts)

export type Group = {
  id: string;
  parentId: string | null;
  name: string;
  description: string | null;
  welcomeMessage: string | null;
  logoUrl: string | null;
  backgroundUrl: string | null;
  memberCount: number;
  subgroupCount: number;
  createdAt: string;
  updatedAt: string;
};

export type GroupDetail = Group & {
  path: { id: string; name: string }[];
  defaultReferent: Person | null;
  observers: (Person & { role: Role })[];
};

export type GroupMember = {
  accountId: string;
  name: string;
  email: string;
  role: Role;
  status: string;
  addedAt: string;
};

export type GroupObserver = Omit<GroupMember, 'status'>;

export type SessionStatus = 'scheduled' | 'ongoing' | 'closed';

export type Assignment = {
  groupId: string;
  sessionId: string;
  programId: string;
  programTitle: string;
  opensAt: string;
  closesAt: string | null;
  status: SessionStatus;
  assignedAt: string;
};

// Programs (server/src/modules/programs/programs.schemas.ts)

export type Program = {
  id: string;
  title: string;
  description: string | null;
  referent: Person | null;
  sessionCount: number;
  createdAt: string;
  updatedAt: string;
};

export type ProgramSession = {
  id: string;
  programId: string;
  opensAt: string;
  closesAt: string | null;
  status: SessionStatus;
  groupCount: number;
  enrolmentCount: number;
  createdAt: string;
  updatedAt: string;
};

// Enrolments (server/src/modules/enrolments/enrolments.schemas.ts)

export type MyEnrolment = {
  id: string;
  orgId: string;
  orgName: string;
  programId: string;
  programTitle: string;
  programDescription: string | null;
  sessionId: string;
  opensAt: string;
  closesAt: string | null;
  status: SessionStatus;
  percent: number;
  startedAt: string | null;
  completedAt: string | null;
  certificateId: string | null;
  referent: Person | null;
};

export type HomeGroup = {
  id: string;
  name: string;
  welcomeMessage: string | null;
  logoUrl: string | null;
  backgroundUrl: string | null;
};

export type Home = {
  organizations: {
    orgId: string;
    orgName: string;
    membershipStatus: string;
    groups: HomeGroup[];
    enrolments: Omit<MyEnrolment, 'orgId' | 'orgName'>[];
  }[];
};

export type OrgEnrolment = {
  id: string;
  accountId: string;
  name: string;
  email: string;
  memberStatus: string;
  programId: string;
  programTitle: string;
  sessionId: string;
  opensAt: string;
  closesAt: string | null;
  status: SessionStatus;
  percent: number;
  startedAt: string | null;
  completedAt: string | null;
  certificateId: string | null;
};

export type Certificate = {
  id: string;
  learnerName: string;
  programTitle: string;
  organizationName: string;
  orgId: string;
  sessionOpensAt: string;
  sessionClosesAt: string | null;
  issuedAt: string;
};

// Members (contract of GET /api/v1/orgs/:orgId/members)

export type Member = {
  id: string;
  accountId: string | null;
  invitationId: string | null;
  email: string;
  /** Null until the person accepts: the organization sees only the address it typed. */
  name: string | null;
  role: Role;
  status: MemberStatus;
  source: string;
  createdAt: string;
  lastLoginAt: string | null;
};

export type MemberCounts = Record<MemberStatus, number>;

export type BulkAction = 'archive' | 'restore' | 'add_to_group' | 'remove_from_group';
