import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiBody, ApiResponse } from '../../api/types';

// The join page (server/src/modules/join-page/join-page.schemas.ts, through the generated types).

export type JoinPageSettings = ApiResponse<'/api/v1/orgs/{orgId}/join-page'>;
/** The settings form sends every field. */
export type JoinPageInput = Required<ApiBody<'/api/v1/orgs/{orgId}/join-page', 'put'>>;
export type PublicJoinPage = ApiResponse<'/api/v1/join/{slug}'>;
export type OfferedGroup = PublicJoinPage['groups'][number];
export type OfferedLocation = PublicJoinPage['locations'][number];
export type Branding = PublicJoinPage['branding'];
export type JoinLink = ApiResponse<'/api/v1/join/{slug}/verify/{token}'>;
export type JoinLinkState = JoinLink['state'];
export type Joined = ApiResponse<'/api/v1/join/{slug}/verify/{token}/accept', 'post'>;

const settingsKey = (orgId: string) => ['orgs', orgId, 'join-page'] as const;
const enc = encodeURIComponent;

export const joinPageApi = {
  settings: (orgId: string) => api.get<JoinPageSettings>(`/api/v1/orgs/${orgId}/join-page`),
  save: (orgId: string, body: JoinPageInput) => api.put<JoinPageSettings>(`/api/v1/orgs/${orgId}/join-page`, body),
  page: (slug: string) => api.get<PublicJoinPage>(`/api/v1/join/${enc(slug)}`),
  join: (slug: string, body: ApiBody<'/api/v1/join/{slug}', 'post'>) =>
    api.post<ApiResponse<'/api/v1/join/{slug}', 'post'>>(`/api/v1/join/${enc(slug)}`, body),
  link: (slug: string, token: string) => api.get<JoinLink>(`/api/v1/join/${enc(slug)}/verify/${enc(token)}`),
  accept: (slug: string, token: string) => api.post<Joined>(`/api/v1/join/${enc(slug)}/verify/${enc(token)}/accept`),
  register: (slug: string, token: string, body: ApiBody<'/api/v1/join/{slug}/verify/{token}/register', 'post'>) =>
    api.post<ApiResponse<'/api/v1/join/{slug}/verify/{token}/register', 'post'>>(
      `/api/v1/join/${enc(slug)}/verify/${enc(token)}/register`,
      body,
    ),
};

export function useJoinPageSettings(orgId: string) {
  return useQuery({ queryKey: settingsKey(orgId), queryFn: () => joinPageApi.settings(orgId) });
}

export function useSaveJoinPage(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: JoinPageInput) => joinPageApi.save(orgId, body),
    onSuccess: (saved) => queryClient.setQueryData(settingsKey(orgId), saved),
  });
}

/** The public page; a 404 is an answer here (the page is off or unknown), not a reason to retry. */
export function usePublicJoinPage(slug: string) {
  return useQuery({ queryKey: ['join', slug], queryFn: () => joinPageApi.page(slug), retry: false });
}

export function useJoinLink(slug: string, token: string) {
  return useQuery({
    queryKey: ['join', slug, 'link', token],
    queryFn: () => joinPageApi.link(slug, token),
    retry: false,
    enabled: token !== '',
  });
}
