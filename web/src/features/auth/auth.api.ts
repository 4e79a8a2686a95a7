import { api } from '../../api/client';
import type { ApiBody, ApiResponse } from '../../api/types';

export type Credentials = ApiBody<'/api/v1/auth/login', 'post'>;
export type Registration = ApiBody<'/api/v1/auth/register', 'post'>;

export const authApi = {
  login: (body: Credentials) => api.post<ApiResponse<'/api/v1/auth/login', 'post'>>('/api/v1/auth/login', body),
  register: (body: Registration) => api.post<ApiResponse<'/api/v1/auth/register', 'post'>>('/api/v1/auth/register', body),
  resendVerification: (email: string) =>
    api.post<ApiResponse<'/api/v1/auth/resend-verification', 'post'>>('/api/v1/auth/resend-verification', { email }),
  verifyEmail: (token: string) => api.post<ApiResponse<'/api/v1/auth/verify-email', 'post'>>('/api/v1/auth/verify-email', { token }),
  forgotPassword: (email: string) =>
    api.post<ApiResponse<'/api/v1/auth/forgot-password', 'post'>>('/api/v1/auth/forgot-password', { email }),
  resetPassword: (body: ApiBody<'/api/v1/auth/reset-password', 'post'>) =>
    api.post<ApiResponse<'/api/v1/auth/reset-password', 'post'>>('/api/v1/auth/reset-password', body),
  setPassword: (body: ApiBody<'/api/v1/auth/set-password', 'post'>) =>
    api.post<ApiResponse<'/api/v1/auth/set-password', 'post'>>('/api/v1/auth/set-password', body),
};
