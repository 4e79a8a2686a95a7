import { api } from '../../api/client';
import type { Account } from '../../api/types';

export type Credentials = { email: string; password: string };
export type Registration = Credentials & { name: string; locale?: string };

export const authApi = {
  login: (body: Credentials) => api.post<{ account: Account }>('/api/v1/auth/login', body),
  register: (body: Registration) => api.post<{ status: string }>('/api/v1/auth/register', body),
  resendVerification: (email: string) => api.post<void>('/api/v1/auth/resend-verification', { email }),
  verifyEmail: (token: string) => api.post<{ status: string }>('/api/v1/auth/verify-email', { token }),
  forgotPassword: (email: string) => api.post<void>('/api/v1/auth/forgot-password', { email }),
  resetPassword: (body: { token: string; password: string; signOutOtherSessions: boolean }) =>
    api.post<void>('/api/v1/auth/reset-password', body),
  setPassword: (body: { token: string; password: string }) => api.post<void>('/api/v1/auth/set-password', body),
};
