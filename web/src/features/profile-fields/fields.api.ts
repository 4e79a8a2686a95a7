import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiBody, ApiItem, ApiResponse } from '../../api/types';

// issue 15: profile fields, member values, group membership rules.

export type ProfileField = ApiItem<'/api/v1/orgs/{orgId}/profile-fields'>;
export type FieldType = ProfileField['type'];
export type FieldBody = ApiBody<'/api/v1/orgs/{orgId}/profile-fields', 'post'>;
export type FieldPatch = ApiBody<'/api/v1/orgs/{orgId}/profile-fields/{fieldId}', 'patch'>;
export type RuleState = ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/rule'>;
export type RuleBody = ApiBody<'/api/v1/orgs/{orgId}/groups/{groupId}/rule', 'put'>;
export type Condition = RuleBody['conditions'][number];
export type Preview = ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}/rule/preview', 'post'>;
export type MemberDetail = ApiResponse<'/api/v1/orgs/{orgId}/members/{accountId}'>;
export type FieldValues = MemberDetail['fields'];

export const FIELD_TYPES: FieldType[] = ['text', 'choice', 'multi_choice', 'date', 'number', 'boolean'];
export const BUILT_IN = ['email_domain', 'location', 'role', 'external_id', 'joined_at', 'source'] as const;
export const OPS: Condition['op'][] = ['eq', 'in', 'contains', 'starts_with', 'before', 'after', 'empty'];

const fieldsKey = (orgId: string) => ['orgs', orgId, 'profile-fields'] as const;
const ruleKey = (orgId: string, groupId: string) => ['orgs', orgId, 'groups', groupId, 'rule'] as const;
const fieldsBase = (orgId: string) => `/api/v1/orgs/${orgId}/profile-fields`;
const ruleBase = (orgId: string, groupId: string) => `/api/v1/orgs/${orgId}/groups/${groupId}/rule`;

export function useProfileFields(orgId: string) {
  return useQuery({
    queryKey: fieldsKey(orgId),
    queryFn: () => api.get<ApiResponse<'/api/v1/orgs/{orgId}/profile-fields'>>(fieldsBase(orgId)),
  });
}

export function useSaveField(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (o: { id?: string; body: FieldBody | FieldPatch }) =>
      o.id ? api.patch<ProfileField>(`${fieldsBase(orgId)}/${o.id}`, o.body) : api.post<ProfileField>(fieldsBase(orgId), o.body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fieldsKey(orgId) }),
  });
}

export function useDeleteField(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api.delete<ApiResponse<'/api/v1/orgs/{orgId}/profile-fields/{fieldId}', 'delete'>>(`${fieldsBase(orgId)}/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['orgs', orgId] }),
  });
}

export function useMemberDetail(orgId: string, accountId: string | null) {
  return useQuery({
    queryKey: ['orgs', orgId, 'members', 'detail', accountId],
    enabled: Boolean(accountId),
    queryFn: () => api.get<MemberDetail>(`/api/v1/orgs/${orgId}/members/${accountId}`),
  });
}

export function useSaveMemberFields(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (o: { accountId: string; fields: FieldValues }) =>
      api.patch<ApiResponse<'/api/v1/orgs/{orgId}/members/{accountId}', 'patch'>>(`/api/v1/orgs/${orgId}/members/${o.accountId}`, {
        fields: o.fields,
      }),
    // Rule-based groups may have changed too.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['orgs', orgId] }),
  });
}

export function useGroupRule(orgId: string, groupId: string) {
  return useQuery({ queryKey: ruleKey(orgId, groupId), queryFn: () => api.get<RuleState>(ruleBase(orgId, groupId)) });
}

export function usePreviewRule(orgId: string, groupId: string) {
  return useMutation({ mutationFn: (body: RuleBody) => api.post<Preview>(`${ruleBase(orgId, groupId)}/preview`, body) });
}

export function useRuleMutations(orgId: string, groupId: string) {
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: ['orgs', orgId] });
  return {
    save: useMutation({ mutationFn: (body: RuleBody) => api.put<RuleState>(ruleBase(orgId, groupId), body), onSuccess }),
    remove: useMutation({ mutationFn: () => api.delete<void>(ruleBase(orgId, groupId)), onSuccess }),
    exceptions: useMutation({
      mutationFn: (body: { always: string[]; never: string[] }) => api.put<RuleState>(`${ruleBase(orgId, groupId)}/exceptions`, body),
      onSuccess,
    }),
  };
}

// The signed-in member's own fields (those learners may see; some they may edit).
export type MyFields = ApiResponse<'/api/v1/orgs/{orgId}/me/fields'>;
const myKey = (orgId: string) => ['orgs', orgId, 'me', 'fields'] as const;

export function useMyFields(orgId: string) {
  return useQuery({ queryKey: myKey(orgId), queryFn: () => api.get<MyFields>(`/api/v1/orgs/${orgId}/me/fields`) });
}

export function useSaveMyFields(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (fields: FieldValues) => api.patch<MyFields>(`/api/v1/orgs/${orgId}/me/fields`, { fields }),
    onSuccess: (data) => queryClient.setQueryData(myKey(orgId), data),
  });
}
