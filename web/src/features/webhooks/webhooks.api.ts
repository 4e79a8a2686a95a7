import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { allOf, type ApiBody, type ApiItem, type ApiResponse } from '../../api/types';

type List = '/api/v1/orgs/{orgId}/webhooks';
type One = '/api/v1/orgs/{orgId}/webhooks/{webhookId}';
export type Webhook = ApiItem<List>;
export type CreatedWebhook = ApiResponse<List, 'post'>;
export type WebhookEvent = Webhook['events'][number];
export type Delivery = ApiItem<'/api/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries'>;

/** The events an endpoint may ask for: the generated type's values, checked both ways by the compiler. */
export const EVENTS = allOf<WebhookEvent>()([
  'invitation.created',
  'invitation.delivered',
  'invitation.accepted',
  'invitation.declined',
  'invitation.cancelled',
  'member.joined',
  'member.updated',
  'member.archived',
  'member.restored',
  'group.member_added',
  'group.member_removed',
  'enrolment.created',
  'enrolment.completed',
  'import.completed',
  'passcode.capacity_reached',
]);

const listKey = (orgId: string) => ['orgs', orgId, 'webhooks'] as const;
const deliveriesKey = (orgId: string, webhookId: string) => ['orgs', orgId, 'webhooks', webhookId, 'deliveries'] as const;

export function useWebhooks(orgId: string, enabled: boolean) {
  return useQuery({ queryKey: listKey(orgId), enabled, queryFn: () => api.get<ApiResponse<List>>(`/api/v1/orgs/${orgId}/webhooks`) });
}

export function useDeliveries(orgId: string, webhookId: string) {
  return useQuery({
    queryKey: deliveriesKey(orgId, webhookId),
    queryFn: () =>
      api.get<ApiResponse<'/api/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries'>>(
        `/api/v1/orgs/${orgId}/webhooks/${webhookId}/deliveries`,
      ),
    // Deliveries are sent by a background job a moment after the change: the log follows them while any is pending.
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === 'pending') ? 1000 : false),
  });
}

function useInvalidate(orgId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: listKey(orgId) });
}

export function useCreateWebhook(orgId: string) {
  const invalidate = useInvalidate(orgId);
  return useMutation({
    mutationFn: (body: ApiBody<List, 'post'>) => api.post<CreatedWebhook>(`/api/v1/orgs/${orgId}/webhooks`, body),
    onSuccess: invalidate,
  });
}

export function useUpdateWebhook(orgId: string) {
  const invalidate = useInvalidate(orgId);
  return useMutation({
    mutationFn: ({ id, ...body }: ApiBody<One, 'patch'> & { id: string }) =>
      api.patch<Webhook>(`/api/v1/orgs/${orgId}/webhooks/${id}`, body),
    onSuccess: invalidate,
  });
}

export function useDeleteWebhook(orgId: string) {
  const invalidate = useInvalidate(orgId);
  return useMutation({ mutationFn: (id: string) => api.delete<null>(`/api/v1/orgs/${orgId}/webhooks/${id}`), onSuccess: invalidate });
}

export function useRotateSecret(orgId: string) {
  const invalidate = useInvalidate(orgId);
  return useMutation({
    mutationFn: (id: string) =>
      api.post<ApiResponse<'/api/v1/orgs/{orgId}/webhooks/{webhookId}/rotate-secret', 'post'>>(
        `/api/v1/orgs/${orgId}/webhooks/${id}/rotate-secret`,
        { overlapHours: 24 },
      ),
    onSuccess: invalidate,
  });
}

export function useSendTest(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<unknown>(`/api/v1/orgs/${orgId}/webhooks/${id}/test`, {}),
    onSuccess: (_d, id) => queryClient.invalidateQueries({ queryKey: deliveriesKey(orgId, id) }),
  });
}

export function useRedeliver(orgId: string, webhookId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      api.post<unknown>(`/api/v1/orgs/${orgId}/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver`, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesKey(orgId, webhookId) }),
  });
}
