import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiBody, ApiItem, ApiResponse } from '../../api/types';

export type ScimSettings = ApiResponse<'/api/v1/orgs/{orgId}/scim/settings'>;
export type ScimSettingsBody = ApiBody<'/api/v1/orgs/{orgId}/scim/settings', 'patch'>;
export type ScimToken = ApiItem<'/api/v1/orgs/{orgId}/scim/tokens'>;
export type CreatedScimToken = ApiResponse<'/api/v1/orgs/{orgId}/scim/tokens', 'post'>;
export type ScimLogEntry = ApiItem<'/api/v1/orgs/{orgId}/scim/log'>;

const key = (orgId: string, what: string) => ['orgs', orgId, 'scim', what] as const;

export function useScimSettings(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: key(orgId, 'settings'),
    enabled,
    queryFn: () => api.get<ScimSettings>(`/api/v1/orgs/${orgId}/scim/settings`),
  });
}

export function useScimTokens(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: key(orgId, 'tokens'),
    enabled,
    queryFn: () => api.get<{ items: ScimToken[] }>(`/api/v1/orgs/${orgId}/scim/tokens`),
  });
}

export function useScimLog(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: key(orgId, 'log'),
    enabled,
    queryFn: () => api.get<{ items: ScimLogEntry[] }>(`/api/v1/orgs/${orgId}/scim/log?limit=20`),
  });
}

export function useSaveScimSettings(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ScimSettingsBody) => api.patch<ScimSettings>(`/api/v1/orgs/${orgId}/scim/settings`, body),
    onSuccess: (data) => qc.setQueryData(key(orgId, 'settings'), data),
  });
}

/** Create (no id), rotate (an id) or revoke (an id and `revoke`). */
export function useScimTokenAction(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (o: { tokenId?: string; revoke?: boolean }) =>
      o.revoke
        ? api.delete<null>(`/api/v1/orgs/${orgId}/scim/tokens/${o.tokenId}`)
        : o.tokenId
          ? api.post<CreatedScimToken>(`/api/v1/orgs/${orgId}/scim/tokens/${o.tokenId}/rotate`, {})
          : api.post<CreatedScimToken>(`/api/v1/orgs/${orgId}/scim/tokens`, {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(orgId, 'tokens') }),
  });
}
