import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';

export type EmailChangeAnswer = ApiResponse<'/api/v1/me/change-email', 'post'>;
export type PendingEmailChange = ApiResponse<'/api/v1/me/email-change'>['pending'];

export const pendingEmailChangeKey = ['me', 'email-change'] as const;

export const emailChangeApi = {
  changeOwn: (email: string) => api.post<EmailChangeAnswer>('/api/v1/me/change-email', { email }),
  changeMember: (orgId: string, accountId: string, email: string) =>
    api.post<EmailChangeAnswer>(`/api/v1/orgs/${orgId}/members/${accountId}/change-email`, { email }),
  pending: () => api.get<ApiResponse<'/api/v1/me/email-change'>>('/api/v1/me/email-change'),
  confirm: (token: string) =>
    api.post<ApiResponse<'/api/v1/auth/confirm-email-change', 'post'>>('/api/v1/auth/confirm-email-change', { token }),
};

/** The signed-in account's address change waiting for the link to be used, if any. */
export function usePendingEmailChange() {
  return useQuery({ queryKey: pendingEmailChangeKey, queryFn: emailChangeApi.pending });
}
