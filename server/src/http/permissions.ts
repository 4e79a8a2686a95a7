// The one permission model: role → actions, role → roles it may grant, and who may manage whom.
// Routes declare the permission they need; answers list the viewer's permissions and grantable
// roles so the web app never guesses.

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
  // issue 16: seat limits and single sign-on connections.
  'seats.manage',
  'sso.manage',
  // issue 16: verified domains (owners, admins); join requests (seen by observers of the group, decided by full managers up)
  'domains.manage',
  'joinrequests.read',
  'joinrequests.manage',
  // issue 15: custom profile fields (settings).
  'fields.manage',
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
  'joinrequests.read',
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
  'joinrequests.manage',
];
const ADMIN: Permission[] = [
  ...MANAGER_FULL,
  'org.update',
  'locations.manage',
  'audit.read',
  'apikeys.manage',
  'webhooks.manage',
  'enrolments.report',
  'seats.manage', // issue 16
  'sso.manage',
  'domains.manage',
  'fields.manage',
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

/** Roles that may be observers or referents of a group. */
export const STAFF_ROLES: Role[] = ['owner', 'admin', 'manager_full', 'manager_limited'];

/** Roles each role may hand out (invitations, managed accounts, passcodes, imports, role changes). */
const GRANTABLE: Record<Role, readonly Role[]> = {
  owner: ROLES,
  admin: ['admin', 'manager_full', 'manager_limited', 'learner', 'guest'],
  manager_full: ['manager_limited', 'learner', 'guest'],
  manager_limited: [],
  learner: [],
  guest: [],
};

/** The roles a member with this role may give; answered in /me so forms offer only these. */
export function grantableRoles(role: string): Role[] {
  return [...(GRANTABLE[role as Role] ?? [])];
}

/** Whether an actor may give a role to someone. */
export function canGrant(actorRole: string, role: string): boolean {
  return grantableRoles(actorRole).includes(role as Role);
}

/** Rank of authority: a member manages only members ranked strictly below (owners excepted). */
const RANK: Record<Role, number> = { owner: 5, admin: 4, manager_full: 3, manager_limited: 2, learner: 1, guest: 0 };

/**
 * Whether an actor may change, archive, restore or remove a member with the target role: only a
 * member ranked strictly below their own, except that owners manage anyone (the last-owner rule is
 * the service's). The action's own permission (`members.manage`) is checked by the route.
 */
export function canManageMember(actorRole: string, targetRole: string): boolean {
  if (actorRole === 'owner') return true;
  const actor = RANK[actorRole as Role];
  const target = RANK[targetRole as Role];
  return actor !== undefined && target !== undefined && actor > target;
}
