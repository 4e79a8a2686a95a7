import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiBody, ApiResponse } from '../../api/types';

export type SsoConnection = ApiResponse<'/api/v1/orgs/{orgId}/sso-connections'>[number];
export type SsoConnectionBody = ApiBody<'/api/v1/orgs/{orgId}/sso-connections', 'post'>;
export type SsoStart = ApiResponse<'/api/v1/auth/sso/start'>;
export type OrgDomain = { id: string; domain: string; verifiedAt: string | null };

const key = (orgId: string) => ['orgs', orgId, 'sso'] as const;

export function useSsoConnections(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...key(orgId), 'connections'],
    enabled,
    queryFn: () => api.get<SsoConnection[]>(`/api/v1/orgs/${orgId}/sso-connections`),
  });
}

export function useVerifiedDomains(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...key(orgId), 'domains'],
    enabled,
    queryFn: async () => {
      const res = await api.get<{ items: OrgDomain[] }>(`/api/v1/orgs/${orgId}/domains`);
      return res.items.filter((d) => d.verifiedAt);
    },
  });
}

export function useTestResult(orgId: string, connectionId: string | null) {
  return useQuery({
    queryKey: [...key(orgId), 'test', connectionId],
    enabled: Boolean(connectionId),
    queryFn: () =>
      api.get<{ claims: Record<string, unknown>; at: string }>(`/api/v1/orgs/${orgId}/sso-connections/${connectionId}/test-result`),
  });
}

export function useSsoMutations(orgId: string) {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: key(orgId) });
  return {
    create: useMutation({
      mutationFn: (body: SsoConnectionBody) => api.post<SsoConnection>(`/api/v1/orgs/${orgId}/sso-connections`, body),
      onSuccess: done,
    }),
    remove: useMutation({ mutationFn: (id: string) => api.delete(`/api/v1/orgs/${orgId}/sso-connections/${id}`), onSuccess: done }),
    test: useMutation({
      mutationFn: (id: string) => api.post<{ redirectUrl: string }>(`/api/v1/orgs/${orgId}/sso-connections/${id}/test`),
      onSuccess: (res) => window.location.assign(res.redirectUrl),
    }),
  };
}

/** Email-first: whether the address signs in with its organization's identity provider. */
export const ssoApi = {
  start: (o: { email?: string; org?: string; check?: 'true' }) =>
    api.get<SsoStart>(`/api/v1/auth/sso/start?${new URLSearchParams(o as Record<string, string>).toString()}`),
  link: () => api.post<{ redirectUrl: string }>('/api/v1/auth/sso/link'),
};
