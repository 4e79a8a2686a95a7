import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient } from '../../../test/api-key-client.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { drainUntil, startReceiver } from '../../../test/webhook-receiver.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.ctx.config.webhooks.allowPrivate = true;
});
afterAll(() => t.close());

// biome-ignore lint/suspicious/noExplicitAny: a test reads JSON payloads loosely and checks them with expect
type Payload = { type: string; data: Record<string, any> };

describe('events from the changes that cause them', () => {
  it('sends member, group and enrolment events, signed, to the endpoints that asked for them', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver();
    try {
      const events = [
        'member.joined',
        'member.updated',
        'member.archived',
        'group.member_added',
        'group.member_removed',
        'enrolment.completed',
      ];
      const ep = expectStatus(await o.owner.agent.post(`${o.base}/webhooks`, { url: rx.url, events }), 201).data;
      const group = await o.group(`G ${uid()}`);
      const program = await o.program();
      const session = await o.session(program.id);
      await o.attach(group.id, session.id);
      const email = `m-${uid()}@example.com`;
      const created = expectStatus(await o.owner.agent.post(`${o.base}/members`, { email, name: 'Mo', groupIds: [group.id] }), 201).data;
      expectStatus(await o.owner.agent.patch(`${o.base}/members/${created.accountId}`, { role: 'guest' }), 200);
      await o.removeFromGroup(group.id, created.accountId);
      await o.addToGroup(group.id, [created.accountId]);
      const enrolment = (await o.owner.agent.get(`${o.base}/enrolments?accountId=${created.accountId}`)).data.items[0];
      const lms = keyClient(
        t,
        expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: 'LMS', scopes: ['enrolments:write'] }), 201).data.secret,
      );
      const done = expectStatus(await lms.post(`${o.base}/enrolments/${enrolment.id}/progress`, { percent: 100 }), 200).data;
      expect(done).toMatchObject({ enrolmentId: enrolment.id, percent: 100, completed: true });
      expectStatus(await o.owner.agent.post(`${o.base}/members/${created.accountId}/archive`), 200);
      // Nothing is sent before the jobs run after commit; then everything, in order.
      await drainUntil(t.drain, () => rx.received.length >= 6);
      const got = rx.received.map((r) => new Webhook(ep.secret).verify(r.body, r.headers) as Payload);
      expect(got.map((p) => p.type)).toEqual([
        'member.joined',
        'member.updated',
        'group.member_removed',
        'group.member_added',
        'enrolment.completed',
        'member.archived',
      ]);
      expect(got[0]!.data).toMatchObject({ accountId: created.accountId, email, role: 'learner', groupIds: [group.id] });
      expect(got[3]!.data).toMatchObject({ groupId: group.id, items: [{ accountId: created.accountId }], count: 1 });
      expect(JSON.stringify(got)).not.toMatch(/token|password/i);
      // Another organization's key cannot report progress here.
      const other = await orgWithOwner(t);
      const otherKey = keyClient(
        t,
        expectStatus(await other.owner.agent.post(`${other.base}/api-keys`, { name: 'x', scopes: ['enrolments:write'] }), 201).data.secret,
      );
      expect((await otherKey.post(`${other.base}/enrolments/${enrolment.id}/progress`, { percent: 50 })).statusCode).toBe(404);
    } finally {
      await rx.close();
    }
  });

  it('writes nothing for an organization without endpoints', async () => {
    const o = await orgWithOwner(t);
    await o.group(`G ${uid()}`);
    expectStatus(await o.owner.agent.post(`${o.base}/members`, { email: `m-${uid()}@example.com`, name: 'Mo' }), 201);
    const { rows } = await t.ctx.database.query(`SELECT count(*)::int AS n FROM webhook_messages WHERE org_id = $1`, [o.org.id]);
    expect(rows[0]?.n).toBe(0);
  });
});
