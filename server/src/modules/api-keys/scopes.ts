import type { Permission } from '../../http/permissions.js';

// What an API key may do: each scope maps to the route permissions it opens. A key acts as the
// organization with exactly these; `apikeys.manage` is in no scope, so a key never makes keys.

export const SCOPES = [
  'members:read',
  'members:write',
  'groups:read',
  'groups:write',
  'invitations:write',
  'imports:write',
  'enrolments:read',
  'enrolments:write',
  'webhooks:write',
] as const;
export type Scope = (typeof SCOPES)[number];

const SCOPE_PERMISSIONS: Record<Scope, readonly Permission[]> = {
  'members:read': ['org.read', 'members.read'],
  'members:write': ['org.read', 'members.read', 'members.manage'],
  'groups:read': ['org.read', 'groups.read', 'programs.read'],
  'groups:write': ['org.read', 'groups.read', 'groups.manage', 'programs.read'],
  'invitations:write': ['org.read', 'invitations.read', 'invitations.manage', 'invitations.resend'],
  'imports:write': ['org.read', 'imports.read', 'imports.manage'],
  'enrolments:read': ['org.read', 'programs.read'],
  'enrolments:write': ['org.read', 'programs.read', 'enrolments.report'],
  'webhooks:write': ['org.read', 'webhooks.manage'],
};

/** The route permissions a set of scopes opens. */
export function permissionsOfScopes(scopes: readonly string[]): Permission[] {
  const out = new Set<Permission>();
  for (const s of scopes) for (const p of SCOPE_PERMISSIONS[s as Scope] ?? []) out.add(p);
  return [...out];
}

/** The role a key acts with in services: it can hand out learner, guest and limited-manager roles, never admin or owner. */
export const API_KEY_ROLE = 'manager_full';
