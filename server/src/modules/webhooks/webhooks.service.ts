import type { AppContext } from '../../context.js';
import { invalidField, notFound } from '../../http/errors.js';
import { toIso } from '../../lib/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { EventType } from './event-types.js';
import { recordEvent } from './events.service.js';
import { DELIVER_JOB } from './job-names.js';
import { encryptSecret, newWebhookSecret } from './secrets.js';
import { assertSafeUrl } from './url-safety.js';
import * as repo from './webhooks.repo.js';

type Actor = { id: string; email: string; ip?: string };

/** Presents an endpoint without its secrets. */
export function presentEndpoint(e: repo.EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    events: e.events as Exclude<EventType, 'webhook.test'>[],
    enabled: e.enabled,
    disabledReason: (e.disabledReason as 'gone' | 'failing' | null) ?? null,
    previousSecretUntil: toIso(e.previousSecretUntil),
    createdAt: toIso(e.createdAt),
  };
}

async function audit(ctx: AppContext, actor: Actor, orgId: string, action: string, id: string, data: Record<string, unknown> = {}) {
  await recordAudit(ctx.db, { orgId, actor, action, targetType: 'webhook', targetId: id, ip: actor.ip, data });
}

/** Adds an endpoint (URL checked after DNS resolution); its secret is returned this once. */
export async function createWebhook(ctx: AppContext, o: { actor: Actor; orgId: string; url: string; events: string[]; enabled?: boolean }) {
  const url = await assertSafeUrl(o.url, ctx.config.webhooks.allowPrivate);
  const secret = newWebhookSecret();
  const row = await repo.insertEndpoint(ctx.db, {
    orgId: o.orgId,
    url: url.toString(),
    events: [...new Set(o.events)],
    enabled: o.enabled ?? true,
    secretEnc: encryptSecret(secret, ctx.config.sessionSecret),
  });
  await audit(ctx, o.actor, o.orgId, 'webhook.created', row.id, { url: row.url, events: row.events });
  return { ...presentEndpoint(row), secret };
}

export async function listWebhooks(ctx: AppContext, o: { orgId: string }) {
  return (await repo.listEndpoints(ctx.db, o.orgId)).map(presentEndpoint);
}

async function requireEndpoint(ctx: AppContext, orgId: string, id: string) {
  const row = await repo.findEndpoint(ctx.db, orgId, id);
  if (!row) throw notFound('Webhook');
  return row;
}

/** Changes the URL, the events or whether it is on; turning it on again resumes its pending deliveries. */
export async function updateWebhook(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; webhookId: string; url?: string; events?: string[]; enabled?: boolean },
) {
  const before = await requireEndpoint(ctx, o.orgId, o.webhookId);
  const url = o.url === undefined ? undefined : (await assertSafeUrl(o.url, ctx.config.webhooks.allowPrivate)).toString();
  const row = await ctx.db.transaction(async (tx) => {
    const updated = await repo.updateEndpoint(tx, o.orgId, o.webhookId, {
      ...(url ? { url } : {}),
      ...(o.events ? { events: [...new Set(o.events)] } : {}),
      ...(o.enabled === undefined ? {} : { enabled: o.enabled }),
      ...(o.enabled && !before.enabled ? { disabledReason: null, failingSince: null } : {}),
    });
    if (!updated) throw notFound('Webhook');
    if (o.enabled && !before.enabled) await ctx.jobs.send(DELIVER_JOB, { endpointId: updated.id }, { tx });
    return updated;
  });
  await audit(ctx, o.actor, o.orgId, 'webhook.updated', row.id, { url: o.url, events: o.events, enabled: o.enabled });
  return presentEndpoint(row);
}

export async function deleteWebhook(ctx: AppContext, o: { actor: Actor; orgId: string; webhookId: string }) {
  if (!(await repo.deleteEndpoint(ctx.db, o.orgId, o.webhookId))) throw notFound('Webhook');
  await audit(ctx, o.actor, o.orgId, 'webhook.deleted', o.webhookId);
}

/** A new secret; the previous one keeps signing (alongside) for `overlapHours`, so receivers can switch without losing a message. */
export async function rotateSecret(ctx: AppContext, o: { actor: Actor; orgId: string; webhookId: string; overlapHours: number }) {
  const before = await requireEndpoint(ctx, o.orgId, o.webhookId);
  const secret = newWebhookSecret();
  const until = o.overlapHours > 0 ? new Date(Date.now() + o.overlapHours * 3_600_000).toISOString() : null;
  const row = await repo.updateEndpoint(ctx.db, o.orgId, o.webhookId, {
    secretEnc: encryptSecret(secret, ctx.config.sessionSecret),
    previousSecretEnc: until ? before.secretEnc : null,
    previousSecretUntil: until,
  });
  if (!row) throw notFound('Webhook');
  await audit(ctx, o.actor, o.orgId, 'webhook.secret_rotated', row.id, { overlapHours: o.overlapHours });
  return { secret, previousSecretUntil: toIso(row.previousSecretUntil) };
}

/** Sends a `webhook.test` message to this endpoint only. */
export async function sendTestEvent(ctx: AppContext, o: { actor: Actor; orgId: string; webhookId: string }) {
  const ep = await requireEndpoint(ctx, o.orgId, o.webhookId);
  if (!ep.enabled) throw invalidField('enabled', 'Turn the endpoint on to send it a test event.', 'webhook_disabled');
  return ctx.db.transaction(async (tx) => {
    const messageId = await recordEvent(
      tx,
      ctx.jobs,
      o.orgId,
      'webhook.test',
      { webhookId: ep.id, message: 'This is a test event from Troupe.' },
      { endpointId: ep.id },
    );
    if (!messageId) throw notFound('Webhook');
    const d = await repo.deliveryOfMessage(tx, ep.id, messageId);
    if (!d) throw notFound('Webhook');
    return { deliveryId: d.id, messageId };
  });
}

/** Delivers a message again, with the same `webhook-id`, after the endpoint's pending ones. */
export async function redeliver(ctx: AppContext, o: { actor: Actor; orgId: string; webhookId: string; deliveryId: string }) {
  const ep = await requireEndpoint(ctx, o.orgId, o.webhookId);
  const d = await repo.findDelivery(ctx.db, ep.id, o.deliveryId);
  if (!d) throw notFound('Delivery');
  const created = await ctx.db.transaction(async (tx) => {
    const row = await repo.insertDelivery(tx, ep.id, d.messageId);
    await ctx.jobs.send(DELIVER_JOB, { endpointId: ep.id }, { tx });
    return row;
  });
  await audit(ctx, o.actor, o.orgId, 'webhook.redelivered', ep.id, { deliveryId: d.id, messageId: d.messageId });
  return { deliveryId: created.id, messageId: d.messageId };
}

/** The endpoint's delivery log, newest first. */
export async function listDeliveries(ctx: AppContext, o: { orgId: string; webhookId: string; limit: number }) {
  const ep = await requireEndpoint(ctx, o.orgId, o.webhookId);
  const rows = await repo.listDeliveries(ctx.db, ep.id, o.limit);
  return rows.map((r) => ({
    ...r,
    status: r.status as 'pending' | 'delivered' | 'failed',
    nextAttemptAt: r.status === 'pending' ? toIso(r.nextAttemptAt) : null,
    deliveredAt: toIso(r.deliveredAt),
    createdAt: toIso(r.createdAt),
    attemptLog: r.attemptLog.map((a) => ({
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      responseExcerpt: a.responseExcerpt,
      error: a.error,
      createdAt: toIso(a.createdAt),
    })),
  }));
}
