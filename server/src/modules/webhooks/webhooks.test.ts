import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient } from '../../../test/api-key-client.js';
import { lastMail } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { drainUntil, type Received, startReceiver } from '../../../test/webhook-receiver.js';
import { recordEvent } from './events.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.ctx.config.webhooks.allowPrivate = true;
  t.ctx.config.webhooks.retrySchedule = [0.3, 0.3, 0.3];
});
afterAll(() => t.close());

type Org = Awaited<ReturnType<typeof orgWithOwner>>;
async function endpoint(o: Org, url: string, events = ['member.joined']) {
  return expectStatus(await o.owner.agent.post(`${o.base}/webhooks`, { url, events }), 201).data as { id: string; secret: string };
}
const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> };
const deliveries = async (o: Org, id: string) => (await o.owner.agent.get(`${o.base}/webhooks/${id}/deliveries`)).data.items;

describe('webhook endpoints', () => {
  it('refuses http, private, loopback and IPv4-mapped addresses and unknown events, each a 422 naming the field', async () => {
    const o = await orgWithOwner(t);
    t.ctx.config.webhooks.allowPrivate = false;
    try {
      for (const [url, code] of [
        ['http://hooks.example.com/x', 'url_not_https'],
        ['https://127.0.0.1/x', 'url_not_public'],
        ['https://10.1.2.3/x', 'url_not_public'],
        ['https://169.254.169.254/latest', 'url_not_public'],
        ['https://[::ffff:127.0.0.1]/x', 'url_not_public'],
        ['https://[::1]/x', 'url_not_public'],
        ['https://localhost/x', 'url_not_public'],
        ['not a url', 'invalid_url'],
      ]) {
        const res = await o.owner.agent.post(`${o.base}/webhooks`, { url, events: ['member.joined'] });
        expect(res.statusCode, url).toBe(422);
        expect(res.data.error.code, url).toBe(code);
        expect(res.data.error.details.fields).toHaveProperty('url');
      }
    } finally {
      t.ctx.config.webhooks.allowPrivate = true;
    }
    const bad = await o.owner.agent.post(`${o.base}/webhooks`, { url: 'https://hooks.example.com/x', events: ['member.exploded'] });
    expect(bad.statusCode).toBe(422);
    expect(Object.keys(bad.data.error.details.fields)[0]).toMatch(/^events/);
  });

  it('signs a test event as Standard Webhooks specifies, and logs the delivery', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver();
    try {
      const ep = await endpoint(o, rx.url);
      expect(ep.secret).toMatch(/^whsec_/);
      expect(JSON.stringify((await o.owner.agent.get(`${o.base}/webhooks`)).data)).not.toContain(ep.secret);
      const sent = expectStatus(await o.owner.agent.post(`${o.base}/webhooks/${ep.id}/test`), 202).data;
      await drainUntil(t.drain, () => rx.received.length === 1);
      const r = rx.received[0]!;
      expect(r.headers['webhook-id']).toBe(sent.messageId);
      const payload = verify(ep.secret, r);
      expect(payload.type).toBe('webhook.test');
      expect(JSON.parse(r.body)).toHaveProperty('timestamp');
      const [d] = await deliveries(o, ep.id);
      expect(d).toMatchObject({ id: sent.deliveryId, status: 'delivered', attempts: 1, lastStatusCode: 200, type: 'webhook.test' });
      expect(d.attemptLog[0]).toMatchObject({ statusCode: 200, responseExcerpt: 'ok' });
    } finally {
      await rx.close();
    }
  });

  it('retries a receiver that fails twice and delivers once, with the same webhook-id; redelivery keeps it too', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver((n) => ({ status: n <= 2 ? 503 : 200 }));
    try {
      const ep = await endpoint(o, rx.url);
      const sent = expectStatus(await o.owner.agent.post(`${o.base}/webhooks/${ep.id}/test`), 202).data;
      await drainUntil(t.drain, async () => (await deliveries(o, ep.id))[0]?.status === 'delivered');
      await t.drain();
      expect(rx.received).toHaveLength(3);
      expect(new Set(rx.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([sent.messageId]));
      for (const r of rx.received) verify(ep.secret, r);
      const [d] = await deliveries(o, ep.id);
      expect(d.attempts).toBe(3);
      expect(d.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 503, 503]);
      const again = expectStatus(await o.owner.agent.post(`${o.base}/webhooks/${ep.id}/deliveries/${sent.deliveryId}/redeliver`), 202).data;
      expect(again.messageId).toBe(sent.messageId);
      await drainUntil(t.drain, () => rx.received.length === 4);
      expect(rx.received[3]!.headers['webhook-id']).toBe(sent.messageId);
    } finally {
      await rx.close();
    }
  });

  it("delivers an endpoint's messages in order, even when the first needs a retry", async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver((n) => ({ status: n === 1 ? 500 : 200 }));
    try {
      const ep = await endpoint(o, rx.url);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(expectStatus(await o.owner.agent.post(`${o.base}/webhooks/${ep.id}/test`), 202).data.messageId);
      await drainUntil(t.drain, () => new Set(rx.received.map((r) => r.headers['webhook-id'])).size === 5 && rx.received.length >= 6);
      const order = rx.received.map((r) => r.headers['webhook-id']);
      expect(order).toEqual([ids[0], ...ids]);
    } finally {
      await rx.close();
    }
  });

  it('loses nothing when the process dies between commit and delivery: the next run delivers the outbox', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver();
    try {
      const ep = await endpoint(o, rx.url);
      await t.ctx.db.transaction((tx) => recordEvent(tx, t.ctx.jobs, o.org.id, 'member.joined', { accountId: 'x' }));
      // A worker took the endpoint and its job, then died: the lease is held and the job is gone.
      await t.ctx.database.query(`UPDATE webhook_endpoints SET lease_until = now() + interval '1 hour' WHERE id = $1`, [ep.id]);
      await t.drain();
      expect(rx.received).toHaveLength(0);
      // The lease runs out; the sweep (every minute) picks the endpoint up again.
      await t.ctx.database.query(`UPDATE webhook_endpoints SET lease_until = now() - interval '1 second' WHERE id = $1`, [ep.id]);
      const { sweepDueEndpoints } = await import('./delivery.service.js');
      await sweepDueEndpoints(t.ctx);
      await drainUntil(t.drain, () => rx.received.length === 1);
      expect(verify(ep.secret, rx.received[0]!).type).toBe('member.joined');
    } finally {
      await rx.close();
    }
  });

  it('turns an endpoint off on 410 Gone and emails the owners; turning it on resumes', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver(() => ({ status: 410 }));
    try {
      const ep = await endpoint(o, rx.url);
      expectStatus(await o.owner.agent.post(`${o.base}/webhooks/${ep.id}/test`), 202);
      await drainUntil(t.drain, async () => (await o.owner.agent.get(`${o.base}/webhooks`)).data.items[0].enabled === false);
      expect((await o.owner.agent.get(`${o.base}/webhooks`)).data.items[0].disabledReason).toBe('gone');
      const mail = await lastMail(t, o.owner.email);
      expect(mail?.subject).toMatch(/webhook/i);
      expectStatus(await o.owner.agent.patch(`${o.base}/webhooks/${ep.id}`, { enabled: true }), 200);
    } finally {
      await rx.close();
    }
  });

  it('turns off an endpoint that has failed for 3 days', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver(() => ({ status: 500 }));
    try {
      const ep = await endpoint(o, rx.url);
      await t.ctx.database.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '73 hours' WHERE id = $1`, [ep.id]);
      expectStatus(await o.owner.agent.post(`${o.base}/webhooks/${ep.id}/test`), 202);
      await drainUntil(t.drain, async () => (await o.owner.agent.get(`${o.base}/webhooks`)).data.items[0].disabledReason === 'failing');
    } finally {
      await rx.close();
    }
  });

  it('signs with both secrets during a rotation overlap', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver();
    try {
      const ep = await endpoint(o, rx.url);
      const rotated = expectStatus(await o.owner.agent.post(`${o.base}/webhooks/${ep.id}/rotate-secret`, { overlapHours: 24 }), 200).data;
      expect(rotated.secret).not.toBe(ep.secret);
      expectStatus(await o.owner.agent.post(`${o.base}/webhooks/${ep.id}/test`), 202);
      await drainUntil(t.drain, () => rx.received.length === 1);
      const r = rx.received[0]!;
      expect(r.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      verify(ep.secret, r);
      verify(rotated.secret, r);
    } finally {
      await rx.close();
    }
  });

  it('is managed by owners, admins and keys with webhooks:write only', async () => {
    const o = await orgWithOwner(t);
    const make = async (scopes: string[]) =>
      keyClient(t, expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: 'k', scopes }), 201).data.secret);
    const without = await make(['members:read']);
    expect((await without.post(`${o.base}/webhooks`, { url: 'http://127.0.0.1:9/x', events: ['member.joined'] })).statusCode).toBe(403);
    const withScope = await make(['webhooks:write']);
    expectStatus(await withScope.post(`${o.base}/webhooks`, { url: 'http://127.0.0.1:9/x', events: ['member.joined'] }), 201);
  });
});
