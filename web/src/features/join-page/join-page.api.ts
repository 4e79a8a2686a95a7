import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';

// The join page (server/src/modules/join-page/join-page.schemas.ts).

export type JoinPageSettings = {
  enabled: boolean;
  slug: string;
  allowedDomains: string[];
  groupIds: string[];
  locationIds: string[];
  url: string;
  updatedAt: string | null;
};

export type JoinPageInput = Pick<JoinPageSettings, 'enabled' | 'slug' | 'allowedDomains' | 'groupIds' | 'locationIds'>;

export type OfferedGroup = { id: string; name: string; welcomeMessage: string | null };
export type OfferedLocation = { id: string; name: string };
export type Branding = { logoUrl: string | null };

export type PublicJoinPage = {
  slug: string;
  organization: { name: string };
  branding: Branding;
  allowedDomains: string[];
  groups: OfferedGroup[];
  locations: OfferedLocation[];
};

export type JoinLinkState = 'open' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'replaced';

export type JoinLink = {
  state: JoinLinkState;
  email: string;
  accountExists: boolean;
  slug: string;
  organization: { name: string };
  branding: Branding;
  group: OfferedGroup | null;
  location: OfferedLocation | null;
  expiresAt: string | null;
};

export type Joined = { orgId: string; groupId: string | null; alreadyAccepted: boolean };

const settingsKey = (orgId: string) => ['orgs', orgId, 'join-page'] as const;
const enc = encodeURIComponent;

export const joinPageApi = {
  settings: (orgId: string) => api.get<JoinPageSettings>(`/api/v1/orgs/${orgId}/join-page`),
  save: (orgId: string, body: JoinPageInput) => api.put<JoinPageSettings>(`/api/v1/orgs/${orgId}/join-page`, body),
  page: (slug: string) => api.get<PublicJoinPage>(`/api/v1/join/${enc(slug)}`),
  join: (slug: string, body: { email: string; groupId: string; locationId?: string }) =>
    api.post<{ status: 'verification_sent' }>(`/api/v1/join/${enc(slug)}`, body),
  link: (slug: string, token: string) => api.get<JoinLink>(`/api/v1/join/${enc(slug)}/verify/${enc(token)}`),
  accept: (slug: string, token: string) => api.post<Joined>(`/api/v1/join/${enc(slug)}/verify/${enc(token)}/accept`),
  register: (slug: string, token: string, body: { name: string; password: string; locale?: string }) =>
    api.post<Joined>(`/api/v1/join/${enc(slug)}/verify/${enc(token)}/register`, body),
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
