import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError } from '../../api/client';
import type { Me, Role } from '../../api/types';

export const meKey = ['me'] as const;

/** The signed-in account and its memberships, or null when signed out. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await api.get<Me>('/api/v1/me');
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000 });
}

/** For pages under RequireAuth, where the account is known to be loaded. */
export function useSignedIn(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSignedIn used outside RequireAuth');
  return data;
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/v1/auth/logout'),
    onSettled: () => {
      queryClient.setQueryData(meKey, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meKey[0] });
    },
  });
}

const LAST_ORG_KEY = 'troupe.lastOrgId';

export function rememberOrg(orgId: string): void {
  try {
    localStorage.setItem(LAST_ORG_KEY, orgId);
  } catch {
    // Not essential.
  }
}

/** Owners, admins and managers work in the organization pages; learners and guests have their home. */
export function isStaff(role: Role): boolean {
  return role !== 'learner' && role !== 'guest';
}

/** True when every membership is a learner or guest one: such accounts land on /home. */
export function isLearnerOnly(me: Me): boolean {
  return me.memberships.length > 0 && me.memberships.every((m) => !isStaff(m.role));
}

/** The organization to open: the last one used if still a membership, else the first (staff memberships only). */
export function pickOrg(me: Me): string | undefined {
  const staff = me.memberships.filter((m) => isStaff(m.role));
  const active = staff.filter((m) => m.status !== 'archived');
  const candidates = active.length > 0 ? active : staff;
  let last: string | null = null;
  try {
    last = localStorage.getItem(LAST_ORG_KEY);
  } catch {
    last = null;
  }
  return (candidates.find((m) => m.orgId === last) ?? candidates[0])?.orgId;
}
