import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { allOf, type ApiBody } from '../../api/types';

/** A scope, as the server's OpenAPI document lists them. */
export type Scope = ApiBody<'/api/v1/orgs/{orgId}/api-keys', 'post'>['scopes'][number];

/** Every scope: the generated type's values, checked both ways by the compiler (none missing, none unknown). */
export const SCOPES = allOf<Scope>()([
  'members:read',
  'members:write',
  'groups:read',
  'groups:write',
  'invitations:write',
  'imports:write',
  'enrolments:read',
  'enrolments:write',
  'webhooks:write',
]);

export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  createdAt: string;
};
export type CreatedApiKey = ApiKey & { secret: string };

const keysKey = (orgId: string) => ['orgs', orgId, 'api-keys'] as const;

export function useApiKeys(orgId: string, enabled: boolean) {
  return useQuery({ queryKey: keysKey(orgId), enabled, queryFn: () => api.get<{ items: ApiKey[] }>(`/api/v1/orgs/${orgId}/api-keys`) });
}

export function useCreateApiKey(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; scopes: string[]; expiresAt: string | null }) =>
      api.post<CreatedApiKey>(`/api/v1/orgs/${orgId}/api-keys`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysKey(orgId) }),
  });
}

export function useRevokeApiKey(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => api.delete<null>(`/api/v1/orgs/${orgId}/api-keys/${keyId}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysKey(orgId) }),
  });
}
