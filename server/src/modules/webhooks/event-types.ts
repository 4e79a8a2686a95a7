// The events an endpoint can subscribe to. Per-person events of bulk changes (imports, batches) are
// sent grouped: one message carries up to EVENT_BATCH_SIZE people in `data.items`.

export const EVENT_TYPES = [
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
] as const;
export type EventType = (typeof EVENT_TYPES)[number] | 'webhook.test';

/** How many people one message of a bulk change carries at most. */
export const EVENT_BATCH_SIZE = 500;
