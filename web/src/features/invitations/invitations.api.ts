import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Page, Role } from '../../api/types';

// Shapes of server/src/modules/invitations/invitations.schemas.ts and passcodes/passcodes.schemas.ts.

export const INVITATION_STATUSES = ['prospect', 'pending', 'active', 'declined', 'cancelled', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const INVITATION_KINDS = ['email', 'passcode', 'join_page', 'session'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

export type Invitation = {
  id: string;
  kind: InvitationKind;
  email: string;
  status: InvitationStatus;
  role: Role;
  groupIds: string[];
  locationId: string | null;
  sessionId: string | null;
  message: string | null;
  invitedBy: string | null;
  sendAt: string | null;
  sentAt: string | null;
  acceptedAt: string | null;
  declinedAt: string | null;
  cancelledAt: string | null;
  expiresAt: string | null;
  replacesId: string | null;
  lastError: string | null;
  createdAt: string;
};

export type SkipReason = 'invalid_email' | 'duplicate_in_list' | 'already_member' | 'already_invited' | 'already_enrolled' | 'not_a_member';

export type Skipped = { email: string; reason: SkipReason; invitationId?: string };

export type InviteResult = { items: Invitation[]; skipped: Skipped[] };

export type Batch = {
  batchId: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  invited: number | null;
  skipped: Skipped[] | null;
};

export type InviteBody = {
  emails: string[];
  groupIds: string[];
  role: Role;
  locationId?: string;
  message?: string;
  sendCopyToMe: boolean;
  sendAt?: string;
};

export type InvitationFilters = { status?: InvitationStatus; kind?: InvitationKind; q?: string };

export type CancelResult = { cancelled: { email: string; invitationId: string }[]; notFound: string[] };

export type Passcode = {
  id: string;
  name: string;
  capacity: number;
  used: number;
  enabled: boolean;
  role: Role;
  groupIds: string[];
  message: string | null;
  createdAt: string;
};

export type PasscodeBody = {
  name: string;
  passcode: string;
  capacity: number;
  groupIds: string[];
  message?: string;
  sendCopyToMe: boolean;
};

export type Redemption = { accountId: string | null; email: string; name: string | null; joinedAt: string | null };

const base = (orgId: string) => `/api/v1/orgs/${orgId}/invitations`;
const passcodesBase = (orgId: string) => `/api/v1/orgs/${orgId}/passcode-invitations`;

export const invitationsRoot = (orgId: string) => ['orgs', orgId, 'invitations'] as const;
const passcodesRoot = (orgId: string) => ['orgs', orgId, 'passcodes'] as const;

export const invitationsApi = {
  /** 201 with the result, or 202 with a background batch (more than 1,000 addresses). */
  invite: (orgId: string, body: InviteBody) => api.post<InviteResult | Batch>(base(orgId), body),
  batch: (orgId: string, batchId: string) => api.get<Batch>(`${base(orgId)}/batches/${batchId}`),
  list: (orgId: string, query: InvitationFilters & { limit: number; cursor?: string }) => api.get<Page<Invitation>>(base(orgId), { query }),
  resendOne: (orgId: string, invitationId: string) => api.post<Invitation>(`${base(orgId)}/${invitationId}/resend`),
  resend: (orgId: string, invitationIds: string[]) => api.post<{ resent: number }>(`${base(orgId)}/resend`, { invitationIds }),
  cancelOne: (orgId: string, invitationId: string) => api.post<Invitation>(`${base(orgId)}/${invitationId}/cancel`),
  cancelByIds: (orgId: string, invitationIds: string[]) => api.post<CancelResult>(`${base(orgId)}/cancel`, { invitationIds }),
  cancelByEmails: (orgId: string, text: string) => api.post<CancelResult>(`${base(orgId)}/cancel`, { emails: [text] }),
  changeEmail: (orgId: string, invitationId: string, email: string) =>
    api.post<Invitation>(`${base(orgId)}/${invitationId}/change-email`, { email }),

  passcodes: (orgId: string) => api.get<Page<Passcode>>(passcodesBase(orgId)),
  createPasscode: (orgId: string, body: PasscodeBody) => api.post<Passcode>(passcodesBase(orgId), body),
  updatePasscode: (orgId: string, passcodeId: string, body: { enabled?: boolean; name?: string; capacity?: number }) =>
    api.patch<Passcode>(`${passcodesBase(orgId)}/${passcodeId}`, body),
  redemptions: (orgId: string, passcodeId: string) => api.get<{ items: Redemption[] }>(`${passcodesBase(orgId)}/${passcodeId}/redemptions`),
};

export function isBatch(result: InviteResult | Batch): result is Batch {
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
