import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { allOf, type ApiBody, type ApiItem, type ApiQuery, type ApiResponse } from '../../api/types';

// Shapes of server/src/modules/invitations and passcodes, through the generated types.

export type Invitation = ApiItem<'/api/v1/orgs/{orgId}/invitations'>;
export type InvitationStatus = Invitation['status'];
export const INVITATION_STATUSES = allOf<InvitationStatus>()(['prospect', 'pending', 'active', 'declined', 'cancelled', 'expired']);
export type InvitationKind = Invitation['kind'];
export const INVITATION_KINDS = allOf<InvitationKind>()(['email', 'passcode', 'join_page', 'session']);

type InviteAnswer = ApiResponse<'/api/v1/orgs/{orgId}/invitations', 'post'>;
export type Batch = ApiResponse<'/api/v1/orgs/{orgId}/invitations/batches/{batchId}'>;
export type InviteResult = Exclude<InviteAnswer, { batchId: string }>;
export type Skipped = InviteResult['skipped'][number];
export type SkipReason = Skipped['reason'];
export type InviteBody = ApiBody<'/api/v1/orgs/{orgId}/invitations', 'post'>;
export type InvitationFilters = Pick<
  ApiQuery<'/api/v1/orgs/{orgId}/invitations'>,
  'status' | 'kind' | 'q' | 'groupId' | 'includeSubgroups'
>;
export type InvitationCounts = ApiResponse<'/api/v1/orgs/{orgId}/invitations/counts'>;
export type CancelResult = ApiResponse<'/api/v1/orgs/{orgId}/invitations/cancel', 'post'>;

export type Passcode = ApiItem<'/api/v1/orgs/{orgId}/passcode-invitations'>;
export type PasscodeBody = ApiBody<'/api/v1/orgs/{orgId}/passcode-invitations', 'post'>;
export type Redemption = ApiResponse<'/api/v1/orgs/{orgId}/passcode-invitations/{passcodeId}/redemptions'>['items'][number];

const base = (orgId: string) => `/api/v1/orgs/${orgId}/invitations`;
const passcodesBase = (orgId: string) => `/api/v1/orgs/${orgId}/passcode-invitations`;

export const invitationsRoot = (orgId: string) => ['orgs', orgId, 'invitations'] as const;
const passcodesRoot = (orgId: string) => ['orgs', orgId, 'passcodes'] as const;

export const invitationsApi = {
  /** 201 with the result, or 202 with a background batch (more than 1,000 addresses). */
  invite: (orgId: string, body: InviteBody) => api.post<InviteAnswer>(base(orgId), body),
  batch: (orgId: string, batchId: string) => api.get<Batch>(`${base(orgId)}/batches/${batchId}`),
  list: (orgId: string, query: InvitationFilters & { limit: number; cursor?: string }) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/invitations'>>(base(orgId), { query }),
  /** Per-status numbers of the invitations matching a group filter (with or without its sub-groups). */
  counts: (orgId: string, query: Pick<InvitationFilters, 'groupId' | 'includeSubgroups'>) =>
    api.get<InvitationCounts>(`${base(orgId)}/counts`, { query }),
  resendOne: (orgId: string, invitationId: string) => api.post<Invitation>(`${base(orgId)}/${invitationId}/resend`),
  resend: (orgId: string, invitationIds: string[]) =>
    api.post<ApiResponse<'/api/v1/orgs/{orgId}/invitations/resend', 'post'>>(`${base(orgId)}/resend`, { invitationIds }),
  cancelOne: (orgId: string, invitationId: string) => api.post<Invitation>(`${base(orgId)}/${invitationId}/cancel`),
  cancelByIds: (orgId: string, invitationIds: string[]) => api.post<CancelResult>(`${base(orgId)}/cancel`, { invitationIds }),
  cancelByEmails: (orgId: string, text: string) => api.post<CancelResult>(`${base(orgId)}/cancel`, { emails: [text] }),
  changeEmail: (orgId: string, invitationId: string, email: string) =>
    api.post<Invitation>(`${base(orgId)}/${invitationId}/change-email`, { email }),

  passcodes: (orgId: string) => api.get<ApiResponse<'/api/v1/orgs/{orgId}/passcode-invitations'>>(passcodesBase(orgId)),
  createPasscode: (orgId: string, body: PasscodeBody) => api.post<Passcode>(passcodesBase(orgId), body),
  updatePasscode: (orgId: string, passcodeId: string, body: ApiBody<'/api/v1/orgs/{orgId}/passcode-invitations/{passcodeId}', 'patch'>) =>
    api.patch<Passcode>(`${passcodesBase(orgId)}/${passcodeId}`, body),
  redemptions: (orgId: string, passcodeId: string) =>
    api.get<ApiResponse<'/api/v1/orgs/{orgId}/passcode-invitations/{passcodeId}/redemptions'>>(
      `${passcodesBase(orgId)}/${passcodeId}/redemptions`,
    ),
};

export function isBatch(result: InviteAnswer): result is Extract<InviteAnswer, { batchId: string }> {
  return 'batchId' in result;
}

export function useInvitations(orgId: string, filters: InvitationFilters, pageSize = 50) {
  return useInfiniteQuery({
    queryKey: [...invitationsRoot(orgId), 'list', filters, pageSize],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => invitationsApi.list(orgId, { ...filters, limit: pageSize, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Polls a background batch every second until it is done or failed. */
export function useBatch(orgId: string, batchId: string | null) {
  return useQuery({
    queryKey: [...invitationsRoot(orgId), 'batch', batchId],
    enabled: Boolean(batchId),
    queryFn: () => invitationsApi.batch(orgId, batchId ?? ''),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'done' || status === 'failed' ? false : 1000;
    },
  });
}

export function usePasscodes(orgId: string) {
  return useQuery({ queryKey: [...passcodesRoot(orgId), 'list'], queryFn: () => invitationsApi.passcodes(orgId) });
}

export function useRedemptions(orgId: string, passcodeId: string | null) {
  return useQuery({
    queryKey: [...passcodesRoot(orgId), 'redemptions', passcodeId],
    enabled: Boolean(passcodeId),
    queryFn: () => invitationsApi.redemptions(orgId, passcodeId ?? ''),
  });
}

/** Invitations change the lists, the per-status counts (members) and the passcode usage. */
export function useInvalidateInvitations(orgId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: invitationsRoot(orgId) }),
      queryClient.invalidateQueries({ queryKey: ['orgs', orgId, 'members'] }),
      queryClient.invalidateQueries({ queryKey: passcodesRoot(orgId) }),
    ]);
}

/** Statuses an invitation can be sent again from (the server's rule), for email invitations only. */
export function canResend(inv: Invitation): boolean {
  return inv.kind === 'email' && ['prospect', 'pending', 'declined', 'expired'].includes(inv.status);
}

/** Only open invitations can be cancelled. */
export function canCancel(inv: Invitation): boolean {
  return inv.status === 'prospect' || inv.status === 'pending';
}

export function canChangeAddress(inv: Invitation): boolean {
  return inv.kind === 'email' && canCancel(inv);
}
