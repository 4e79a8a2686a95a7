import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from '../../api/client';
import type { InvitationKind } from '../invitations/invitations.api';

export type LinkState = 'open' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'replaced';

/** What the invited person sees (GET /api/v1/invitations/:token). */
export type InvitationView = {
  state: LinkState;
  kind: InvitationKind;
  email: string;
  accountExists: boolean;
  organization: { id: string; name: string; slug: string };
  groups: { id: string; name: string; welcomeMessage: string | null; logoUrl: string | null }[];
  inviter: { name: string | null };
  message: string | null;
};

export type Accepted = { orgId: string; alreadyAccepted: boolean };
export type Redeemed = { orgId: string; orgName: string; groupIds: string[]; alreadyRedeemed: boolean };

const link = (token: string) => `/api/v1/invitations/${encodeURIComponent(token)}`;

export const acceptApi = {
  view: (token: string) => api.get<InvitationView>(link(token)),
  accept: (token: string) => api.post<Accepted>(`${link(token)}/accept`),
  register: (token: string, body: { name: string; password: string; locale?: string }) =>
    api.post<Accepted>(`${link(token)}/register`, body),
  decline: (token: string) => api.post<{ state: 'declined' }>(`${link(token)}/decline`),
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
