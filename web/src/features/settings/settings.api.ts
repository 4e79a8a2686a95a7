import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';

const locationsKey = (orgId: string) => ['orgs', orgId, 'locations'] as const;
const auditKey = (orgId: string) => ['orgs', orgId, 'audit-events'] as const;

export function useLocations(orgId: string) {
  return useQuery({
    queryKey: locationsKey(orgId),
    queryFn: () => api.get<ApiResponse<'/api/v1/orgs/{orgId}/locations'>>(`/api/v1/orgs/${orgId}/locations`, { query: { limit: 500 } }),
  });
}

export function useAddLocation(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      api.post<ApiResponse<'/api/v1/orgs/{orgId}/locations', 'post'>>(`/api/v1/orgs/${orgId}/locations`, { name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: locationsKey(orgId) }),
  });
}

export function useAuditEvents(orgId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: auditKey(orgId),
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api.get<ApiResponse<'/api/v1/orgs/{orgId}/audit-events'>>(`/api/v1/orgs/${orgId}/audit-events`, {
        query: { limit: 50, cursor: pageParam },
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
