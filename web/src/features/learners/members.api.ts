import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiBody, ApiQuery, ApiResponse, MemberCounts, Role } from '../../api/types';

type ListQuery = ApiQuery<'/api/v1/orgs/{orgId}/members'>;
export type MemberFilters = Pick<ListQuery, 'status' | 'role' | 'groupId' | 'q' | 'field' | 'fieldValue'>;
type BulkBody = ApiBody<'/api/v1/orgs/{orgId}/members/bulk', 'post'>;

const membersRoot = (orgId: string) => ['orgs', orgId, 'members'] as const;
const base = (orgId: string) => `/api/v1/orgs/${orgId}/members`;

export const membersApi = {
  list: (orgId: string, query: ListQuery) => api.get<ApiResponse<'/api/v1/orgs/{orgId}/members'>>(base(orgId), { query }),
  counts: (orgId: string, query: Omit<MemberFilters, 'status'>) => api.get<MemberCounts>(`${base(orgId)}/counts`, { query }),
  create: (orgId: string, body: ApiBody<'/api/v1/orgs/{orgId}/members', 'post'>) =>
    api.post<ApiResponse<'/api/v1/orgs/{orgId}/members', 'post'>>(base(orgId), body),
  setRole: (orgId: string, accountId: string, role: Role) =>
    api.patch<ApiResponse<'/api/v1/orgs/{orgId}/members/{accountId}', 'patch'>>(`${base(orgId)}/${accountId}`, { role }),
  archive: (orgId: string, accountId: string) =>
    api.post<ApiResponse<'/api/v1/orgs/{orgId}/members/{accountId}/archive', 'post'>>(`${base(orgId)}/${accountId}/archive`),
  restore: (orgId: string, accountId: string) =>
    api.post<ApiResponse<'/api/v1/orgs/{orgId}/members/{accountId}/restore', 'post'>>(`${base(orgId)}/${accountId}/restore`),
  bulk: (orgId: string, body: BulkBody) => api.post<ApiResponse<'/api/v1/orgs/{orgId}/members/bulk', 'post'>>(`${base(orgId)}/bulk`, body),
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
    mutationFn: (body: BulkBody) => membersApi.bulk(orgId, body),
    onSuccess: () => invalidate(),
  });
}
