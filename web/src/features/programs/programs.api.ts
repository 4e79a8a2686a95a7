import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiBody, ApiQuery, ApiResponse, Program, ProgramSession } from '../../api/types';

export const programsRoot = (orgId: string) => ['orgs', orgId, 'programs'] as const;
const base = (orgId: string) => `/api/v1/orgs/${orgId}/programs`;

export type ProgramInput = ApiBody<'/api/v1/orgs/{orgId}/programs/{programId}', 'patch'>;
export type SessionInput = ApiBody<'/api/v1/orgs/{orgId}/programs/{programId}/sessions', 'post'>;
type ListQuery = { limit: number; cursor?: string };

export const programsApi = {
  list: (orgId: string, query: ApiQuery<'/api/v1/orgs/{orgId}/programs'>) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/programs'>>(base(orgId), { query }),
  get: (orgId: string, programId: string) => api.get<Program>(`${base(orgId)}/${programId}`),
  create: (orgId: string, body: ApiBody<'/api/v1/orgs/{orgId}/programs', 'post'>) => api.post<Program>(base(orgId), body),
  update: (orgId: string, programId: string, body: ProgramInput) => api.patch<Program>(`${base(orgId)}/${programId}`, body),
  remove: (orgId: string, programId: string) => api.delete<void>(`${base(orgId)}/${programId}`),
  sessions: (orgId: string, programId: string, query: ListQuery) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/programs/{programId}/sessions'>>(`${base(orgId)}/${programId}/sessions`, { query }),
  createSession: (orgId: string, programId: string, body: SessionInput) =>
    api.post<ProgramSession>(`${base(orgId)}/${programId}/sessions`, body),
  removeSession: (orgId: string, programId: string, sessionId: string) =>
    api.delete<void>(`${base(orgId)}/${programId}/sessions/${sessionId}`),
  enrolments: (orgId: string, query: ApiQuery<'/api/v1/orgs/{orgId}/enrolments'>) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/enrolments'>>(`/api/v1/orgs/${orgId}/enrolments`, { query }),
};

export function usePrograms(orgId: string, q: string) {
  return useInfiniteQuery({
    queryKey: [...programsRoot(orgId), 'list', q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => programsApi.list(orgId, { q: q || undefined, limit: 50, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Programs matching a search, for pickers. */
export function useProgramSearch(orgId: string, q: string) {
  return useQuery({
    queryKey: [...programsRoot(orgId), 'search', q],
    queryFn: () => programsApi.list(orgId, { q: q.trim() || undefined, limit: 30 }),
    placeholderData: keepPreviousData,
  });
}

export function useProgram(orgId: string, programId: string) {
  return useQuery({ queryKey: [...programsRoot(orgId), programId, 'detail'], queryFn: () => programsApi.get(orgId, programId) });
}

export function useSessions(orgId: string, programId: string | null) {
  return useInfiniteQuery({
    queryKey: [...programsRoot(orgId), programId, 'sessions'],
    enabled: programId !== null,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => programsApi.sessions(orgId, programId ?? '', { limit: 100, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useProgramEnrolments(orgId: string, programId: string) {
  return useInfiniteQuery({
    queryKey: ['orgs', orgId, 'enrolments', { programId }],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => programsApi.enrolments(orgId, { programId, limit: 50, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useProgramMutation<TVars, TResult>(orgId: string, fn: (vars: TVars) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: programsRoot(orgId) }),
        queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'groups'] }),
        queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'enrolments'] }),
      ]),
  });
}
