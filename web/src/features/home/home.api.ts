import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Certificate, Home, MyEnrolment } from '../../api/types';

export const homeKey = ['me', 'home'] as const;

export const homeApi = {
  home: () => api.get<Home>('/api/v1/me/home'),
  progress: (enrolmentId: string, percent: number) => api.post<MyEnrolment>(`/api/v1/me/enrolments/${enrolmentId}/progress`, { percent }),
  certificate: (certificateId: string) => api.get<Certificate>(`/api/v1/certificates/${certificateId}`),
};

export function useHome() {
  return useQuery({ queryKey: homeKey, queryFn: homeApi.home });
}

export function useRecordProgress() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ enrolmentId, percent }: { enrolmentId: string; percent: number }) => homeApi.progress(enrolmentId, percent),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: homeKey }),
  });
}

export function useCertificate(certificateId: string) {
  return useQuery({ queryKey: ['certificates', certificateId], queryFn: () => homeApi.certificate(certificateId) });
}
