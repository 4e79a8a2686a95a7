import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiBody, Org, Permission, Role } from '../../api/types';
import { useMe } from '../account/session';

export const orgKey = (orgId: string) => ['orgs', orgId] as const;

export const orgsApi = {
  create: (body: ApiBody<'/api/v1/orgs', 'post'>) => api.post<Org>('/api/v1/orgs', body),
  get: (orgId: string) => api.get<Org>(`/api/v1/orgs/${orgId}`),
  update: (orgId: string, body: ApiBody<'/api/v1/orgs/{orgId}', 'patch'>) => api.patch<Org>(`/api/v1/orgs/${orgId}`, body),
};

export function useOrg(orgId: string) {
  return useQuery({ queryKey: orgKey(orgId), queryFn: () => orgsApi.get(orgId) });
}

/**
 * What the viewer may do in this organization, as the server said (the UI never guesses):
 * the organization answer when loaded, else the membership listed by /me; and the roles it may
 * give (invitations, new members, role changes), from /me.
 */
const NO_ROLES: readonly Role[] = [];

export function usePermissions(orgId: string) {
  const org = useOrg(orgId).data;
  const membership = useMe().data?.memberships.find((m) => m.orgId === orgId);
  const granted = new Set<Permission>(org?.permissions ?? membership?.permissions ?? []);
  return {
    role: org?.role ?? membership?.role,
    can: (permission: Permission) => granted.has(permission),
    grantableRoles: membership?.grantableRoles ?? NO_ROLES,
  };
}
