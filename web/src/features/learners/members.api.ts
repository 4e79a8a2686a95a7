import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BulkAction, MemberCounts, MemberStatus, Member, Page, Role } from '../../api/types';

export type MemberFilters = { status?: MemberStatus; role?: Role; groupId?: string; q?: string };

const membersRoot = (orgId: string) => ['orgs', orgId, 'members'] as const;
const base = (orgId: string) => `/api/v1/orgs/${orgId}/members`;

export const membersApi = {
  list: (orgId: string, query: MemberFilters & { limit?: number; cursor?: string }) => api.get<Page<Member>>(base(orgId), { query }),
  counts: (orgId: string, query: Omit<MemberFilters, 'status'>) => api.get<MemberCounts>(`${base(orgId)}/counts`, { query }),
  create: (orgId: string, body: { email: string; name: string; role?: Role; groupIds?: string[] }) =>
    api.post<{ accountId: string; email: string; name: string; role: Role; status: 'active' }>(base(orgId), body),
  setRole: (orgId: string, accountId: string, role: Role) => api.patch<unknown>(`${base(orgId)}/${accountId}`, { role }),
  archive: (orgId: string, accountId: string) => api.post<unknown>(`${base(orgId)}/${accountId}/archive`),
  restore: (orgId: string, accountId: string) => api.post<unknown>(`${base(orgId)}/${accountId}/restore`),
  bulk: (orgId: string, body: { action: BulkAction; accountIds: string[]; groupId?: string }) =>
    api.post<{ affected: number }>(`${base(orgId)}/bulk`, body),
};

export function useMembers(orgId: string, filters: MemberFilters, pageSize = 50) {
  return useInfiniteQuery({
    queryKey: [...membersRoot(orgId), 'list', filters, pageSize],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => membersApi.list(orgId, { ...filters, limit: pageSize, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useMemberCounts(orgId: string, filters: Omit<MemberFilters, 'status'>) {
  return useQuery({
    queryKey: [...membersRoot(orgId), 'counts', filters],
    queryFn: () => membersApi.counts(orgId, filters),
    placeholderData: keepPreviousData,
  });
}

/** Active members matching a search, for pickers (people who have not accepted have no account yet). */
export function useMemberSearch(orgId: string, q: string, enabled = true) {
  return useQuery({
    queryKey: [...membersRoot(orgId), 'search', q],
    enabled,
    queryFn: () => membersApi.list(orgId, { status: 'active', q: q.trim() || undefined, limit: 20 }),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** Anything that changes members refreshes every list, count and group that shows them. */
export function useInvalidateMembers(orgId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: membersRoot(orgId) }),
      queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'groups'] }),
    ]);
}

export function useBulkMembers(orgId: string) {
  const invalidate = useInvalidateMembers(orgId);
  return useMutation({
    mutationFn: (body: { action: BulkAction; accountIds: string[]; groupId?: string }) => membersApi.bulk(orgId, body),
    onSuccess: () => invalidate(),
  });
}
