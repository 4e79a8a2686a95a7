// One table of role → permissions. Routes declare the permission they need; answers list the
// viewer's permissions so the web app never guesses.

export const ROLES = ['owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'org.read',
  'org.update',
  'locations.manage',
  'audit.read',
  'members.read',
  'members.manage',
  'groups.read',
  'groups.manage',
  'programs.read',
  'programs.manage',
  'invitations.read',
  'invitations.manage',
  'invitations.resend',
  'imports.read',
  'imports.manage',
  'joinpage.manage',
  'apikeys.manage',
  // issue 12 (API keys, webhooks): managing webhook endpoints; reporting progress from another system.
  'webhooks.manage',
  'enrolments.report',
  'learning.self',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// A limited manager sees the learners of the groups they manage (see http/group-scope.ts); an import
// holds rows of every group, so its history is for full managers and above.
const MANAGER_LIMITED: Permission[] = [
  'org.read',
  'members.read',
  'groups.read',
  'programs.read',
  'invitations.read',
  'invitations.resend',
  'learning.self',
];
const MANAGER_FULL: Permission[] = [
  ...MANAGER_LIMITED,
  'imports.read',
  'members.manage',
  'groups.manage',
  'programs.manage',
  'invitations.manage',
  'imports.manage',
  'joinpage.manage',
];
const ADMIN: Permission[] = [
  ...MANAGER_FULL,
  'org.update',
  'locations.manage',
  'audit.read',
  'apikeys.manage',
  'webhooks.manage',
  'enrolments.report',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: ADMIN,
  admin: ADMIN,
  manager_full: MANAGER_FULL,
  manager_limited: MANAGER_LIMITED,
  learner: ['org.read', 'learning.self'],
  guest: ['org.read', 'learning.self'],
};

/** Whether a role may take an action. */
export function can(role: string, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[role as Role] ?? []).includes(permission);
}

/** The permissions of a role, for answers to the web app. */
export function permissionsOf(role: string): Permission[] {
  return [...(ROLE_PERMISSIONS[role as Role] ?? [])];
}

// Who may give which role (creating, inviting, changing a member). Mirrors members.service.ts
// assertCanGrant until that moves here.
const GRANTABLE: Partial<Record<Role, readonly Role[]>> = {
  owner: ROLES,
  admin: ['admin', 'manager_full', 'manager_limited', 'learner', 'guest'],
  manager_full: ['manager_limited', 'learner', 'guest'],
};

/** The roles a member of this role may give, so the web app offers only those (/api/v1/me). */
export function grantableRoles(role: string): Role[] {
  return [...(GRANTABLE[role as Role] ?? [])];
}

/** Roles that may be observers or referents of a group. */
export const STAFF_ROLES: Role[] = ['owner', 'admin', 'manager_full', 'manager_limited'];
