import { z } from 'zod';
import { EVENT_BATCH_SIZE, EVENT_TYPES } from './event-types.js';

export const orgParams = z.object({ orgId: z.string() });
export const webhookParams = z.object({ orgId: z.string(), webhookId: z.string().uuid() });
export const deliveryParams = webhookParams.extend({ deliveryId: z.string().uuid() });

const url = z.string().trim().max(2000, 'At most 2,000 characters.');
const events = z
  .array(z.enum(EVENT_TYPES, { error: `Unknown event; use one of ${EVENT_TYPES.join(', ')}.` }))
  .min(1, 'Choose at least one event.')
  .max(EVENT_TYPES.length);

export const createWebhookBody = z
  .strictObject({ url, events, enabled: z.boolean().optional() })
  .meta({ example: { url: 'https://hr.example.com/troupe/webhooks', events: ['member.joined', 'enrolment.completed'], enabled: true } });

export const patchWebhookBody = z
  .strictObject({ url: url.optional(), events: events.optional(), enabled: z.boolean().optional() })
  .meta({ example: { enabled: false } });

export const rotateBody = z
  .strictObject({ overlapHours: z.number().int().min(0).max(168).default(24) })
  .meta({ example: { overlapHours: 24 } });

export const webhookOut = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(EVENT_TYPES)),
    enabled: z.boolean(),
    disabledReason: z.enum(['gone', 'failing']).nullable().describe('Why Troupe turned it off: 410 Gone, or failing for 3 days.'),
    previousSecretUntil: z.string().nullable().describe('Until then, deliveries are signed with the previous secret as well.'),
    createdAt: z.string(),
  })
  .meta({
    example: {
      id: '5d6e9a1c-1f0b-4a8e-8d55-6a9c2f3b7e01',
      url: 'https://hr.example.com/troupe/webhooks',
      events: ['member.joined'],
      enabled: true,
      disabledReason: null,
      previousSecretUntil: null,
      createdAt: '2026-12-01T09:00:00.000Z',
    },
  });

export const createdWebhookOut = webhookOut.extend({
  secret: z.string().describe('The signing secret (`whsec_…`): in this answer only. Verify deliveries with a Standard Webhooks library.'),
});

export const secretOut = z.object({ secret: z.string(), previousSecretUntil: z.string().nullable() });

const attemptOut = z.object({
  statusCode: z.number().nullable(),
  durationMs: z.number(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
});

export const deliveryOut = z
  .object({
    id: z.string(),
    messageId: z.string().describe('The `webhook-id` header: the same across retries and redeliveries.'),
    type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number(),
    lastStatusCode: z.number().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    attemptLog: z.array(attemptOut).describe('The latest attempts, newest first.'),
  })
  .meta({
    example: {
      id: '01938a7e-0000-7000-8000-000000000001',
      messageId: '01938a7e-0000-7000-8000-0000000000aa',
      type: 'member.joined',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      nextAttemptAt: null,
      deliveredAt: '2026-12-01T09:00:01.000Z',
      createdAt: '2026-12-01T09:00:00.000Z',
      attemptLog: [{ statusCode: 200, durationMs: 84, responseExcerpt: 'ok', error: null, createdAt: '2026-12-01T09:00:01.000Z' }],
    },
  });

export const queuedOut = z.object({ deliveryId: z.string(), messageId: z.string() });

export const WEBHOOKS_DESCRIPTION =
  'Deliveries follow Standard Webhooks 1.0: headers `webhook-id` (the same across retries and redeliveries), ' +
  '`webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with the secret; ' +
  'two signatures, space-separated, while a rotated secret overlaps). The body is `{type, timestamp, data}`. ' +
  `Per-person events of bulk changes come grouped, up to ${EVENT_BATCH_SIZE} people in \`data.items\` per message. ` +
  "An endpoint's messages are delivered in order. Failures (5xx, 429, timeouts after 15 s, connection errors) are retried " +
  'after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h (with jitter; `Retry-After` honoured); redirects are not followed; ' +
  '410 turns the endpoint off, and so does failing for 3 days (the owners are emailed). Only https URLs to public addresses.';
