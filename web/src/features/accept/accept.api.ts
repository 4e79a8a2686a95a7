import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from '../../api/client';
import type { ApiBody, ApiResponse } from '../../api/types';

/** What the invited person sees (GET /api/v1/invitations/:token). */
export type InvitationView = ApiResponse<'/api/v1/invitations/{token}'>;
export type LinkState = InvitationView['state'];
export type Accepted = ApiResponse<'/api/v1/invitations/{token}/accept', 'post'>;
export type Redeemed = ApiResponse<'/api/v1/passcodes/redeem', 'post'>;
type Registration = ApiBody<'/api/v1/invitations/{token}/register', 'post'>;

const link = (token: string) => `/api/v1/invitations/${encodeURIComponent(token)}`;

export const acceptApi = {
  view: (token: string) => api.get<InvitationView>(link(token)),
  accept: (token: string) => api.post<Accepted>(`${link(token)}/accept`),
  register: (token: string, body: Registration) =>
    api.post<ApiResponse<'/api/v1/invitations/{token}/register', 'post'>>(`${link(token)}/register`, body),
  decline: (token: string) => api.post<ApiResponse<'/api/v1/invitations/{token}/decline', 'post'>>(`${link(token)}/decline`),
  redeem: (passcode: string) => api.post<Redeemed>('/api/v1/passcodes/redeem', { passcode }),
};

export const invitationViewKey = (token: string) => ['invitation-link', token] as const;

/** Reading the link never acts: only the buttons on the page do. */
export function useInvitationView(token: string) {
  return useQuery({
    queryKey: invitationViewKey(token),
    queryFn: () => acceptApi.view(token),
    enabled: token.length > 0,
    staleTime: 0,
    retry: (count, error) => count < 2 && !isApiError(error, 'invitation_not_found', 'rate_limited', 'validation_failed'),
  });
}
