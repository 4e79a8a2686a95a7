import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiBody, ApiItem, ApiResponse } from '../../api/types';
import { meKey } from '../account/session';

// Verified domains, join requests and "Join <organization>?" (server/src/modules/domains, join-requests).

export type OrgDomain = ApiItem<'/api/v1/orgs/{orgId}/domains'>;
export type DomainPolicy = OrgDomain['policy'];
export type DomainUpdate = ApiBody<'/api/v1/orgs/{orgId}/domains/{domainId}', 'patch'>;
export type JoinRequest = ApiItem<'/api/v1/orgs/{orgId}/join-requests'>;
export type JoinRequestList = ApiResponse<'/api/v1/orgs/{orgId}/join-requests'>;
export type JoinSuggestion = ApiItem<'/api/v1/me/join-suggestions'>;
export type BulkDecision = ApiResponse<'/api/v1/orgs/{orgId}/join-requests/approve', 'post'>;

const domainsKey = (orgId: string) => ['orgs', orgId, 'domains'] as const;
const requestsKey = (orgId: string) => ['orgs', orgId, 'join-requests'] as const;
const suggestionsKey = ['me', 'join-suggestions'] as const;

export function useDomains(orgId: string, enabled = true) {
  return useQuery({
    queryKey: domainsKey(orgId),
    enabled,
    queryFn: () => api.get<{ items: OrgDomain[] }>(`/api/v1/orgs/${orgId}/domains`),
  });
}

function useDomainMutation<V>(orgId: string, fn: (v: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => queryClient.invalidateQueries({ queryKey: domainsKey(orgId) }) });
}

export const useAddDomain = (orgId: string) =>
  useDomainMutation(orgId, (domain: string) => api.post<OrgDomain>(`/api/v1/orgs/${orgId}/domains`, { domain }));
export const useVerifyDomain = (orgId: string) =>
  useDomainMutation(orgId, (domainId: string) => api.post<OrgDomain>(`/api/v1/orgs/${orgId}/domains/${domainId}/verify`));
export const useUpdateDomain = (orgId: string) =>
  useDomainMutation(orgId, ({ domainId, body }: { domainId: string; body: DomainUpdate }) =>
    api.patch<OrgDomain>(`/api/v1/orgs/${orgId}/domains/${domainId}`, body),
  );
export const useRemoveDomain = (orgId: string) =>
  useDomainMutation(orgId, (domainId: string) => api.delete<null>(`/api/v1/orgs/${orgId}/domains/${domainId}`));

export function useJoinRequests(orgId: string, status: JoinRequest['status'] | undefined, enabled = true) {
  return useQuery({
    queryKey: [...requestsKey(orgId), status ?? 'all'],
    enabled,
    queryFn: () => api.get<JoinRequestList>(`/api/v1/orgs/${orgId}/join-requests`, { query: { status, limit: 500 } }),
  });
}

export function useDecideRequests(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ decision, requestIds }: { decision: 'approve' | 'reject'; requestIds: string[] }) =>
      api.post<BulkDecision>(`/api/v1/orgs/${orgId}/join-requests/${decision}`, { requestIds }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: requestsKey(orgId) });
      void queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'members'] });
    },
  });
}

export function useJoinSuggestions() {
  return useQuery({ queryKey: suggestionsKey, queryFn: () => api.get<{ items: JoinSuggestion[] }>('/api/v1/me/join-suggestions') });
}

export function useJoinSuggested() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (orgId: string) =>
      api.post<ApiResponse<'/api/v1/me/join-suggestions/{orgId}/join', 'post'>>(`/api/v1/me/join-suggestions/${orgId}/join`),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: suggestionsKey });
      void queryClient.invalidateQueries({ queryKey: meKey });
    },
  });
}
