import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';

// Issue 14: the group dashboard (and its exports) and observers' digest preferences.

export type GroupDashboard = ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/dashboard'>;
export type DigestPrefs = ApiResponse<'/api/v1/me/digest-preferences'>;
export type DigestFrequency = DigestPrefs['items'][number]['frequency'];
export type PeopleMetric =
  | 'active'
  | 'archived'
  | 'invited'
  | 'never_signed_in'
  | 'inactive_7'
  | 'inactive_30'
  | 'enrolled'
  | 'completed'
  | 'late'
  | 'completed_in_week';

const dashboardKey = (orgId: string, groupId: string) => ['orgs', orgId, 'groups', groupId, 'dashboard'];

/** The group's dashboard; while a large group's figures are being computed again, asked again every few seconds. */
export function useGroupDashboard(orgId: string, groupId: string) {
  return useQuery({
    queryKey: dashboardKey(orgId, groupId),
    queryFn: () => api.get<GroupDashboard>(`/api/v1/orgs/${orgId}/groups/${groupId}/dashboard`),
    refetchInterval: (q) => (q.state.data?.refreshing ? 3000 : false),
  });
}

/** Computes the dashboard now (a large group is otherwise served from its last computation). */
export function useRefreshDashboard(orgId: string, groupId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.get<GroupDashboard>(`/api/v1/orgs/${orgId}/groups/${groupId}/dashboard?fresh=true`),
    onSuccess: (data) => qc.setQueryData(dashboardKey(orgId, groupId), data),
  });
}

/** The download link of the people behind one number (the session cookie authenticates a plain link). */
export function peopleExportUrl(
  orgId: string,
  groupId: string,
  o: { metric: PeopleMetric; format: 'csv' | 'xlsx'; sessionId?: string; week?: string },
): string {
  const q = new URLSearchParams({ metric: o.metric, format: o.format });
  if (o.sessionId) q.set('sessionId', o.sessionId);
  if (o.week) q.set('week', o.week);
  return `/api/v1/orgs/${orgId}/groups/${groupId}/dashboard/people?${q}`;
}

const MY_PREFS = ['me', 'digest-preferences'] as const;

export function useMyDigestPrefs() {
  return useQuery({ queryKey: MY_PREFS, queryFn: () => api.get<DigestPrefs>('/api/v1/me/digest-preferences') });
}

export function useSetMyDigestPref() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (o: { groupId: string; frequency: DigestFrequency }) =>
      api.put<DigestPrefs>(`/api/v1/me/digest-preferences/${o.groupId}`, { frequency: o.frequency }),
    onSuccess: (data) => qc.setQueryData(MY_PREFS, data),
  });
}

/** The digest's own page: no session, the signed token in the link. */
export function useDigestPrefsByToken(token: string) {
  return useQuery({
    queryKey: ['digest-preferences', token],
    queryFn: () => api.get<DigestPrefs>('/api/v1/digest/preferences', { query: { token } }),
    retry: false,
  });
}

export function useSetDigestPrefByToken(token: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (o: { frequency: DigestFrequency; groupId?: string }) =>
      api.put<DigestPrefs>(`/api/v1/digest/preferences?token=${encodeURIComponent(token)}`, o),
    onSuccess: (data) => qc.setQueryData(['digest-preferences', token], data),
  });
}
