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

describe('events of provisioning and imports', () => {
  it('sends enrolment.created where enrolments are made, and an import’s per-person events in batches before import.completed', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver();
    try {
      const events = ['member.joined', 'enrolment.created', 'import.completed'];
      const ep = expectStatus(await o.owner.agent.post(`${o.base}/webhooks`, { url: rx.url, events }), 201).data;
      const group = await o.group(`Sales ${uid()}`);
      const program = await o.program();
      const session = await o.session(program.id);
      await o.attach(group.id, session.id);
      // One person through the provisioning API: joined, then enrolled by the group's session.
      const hr = keyClient(
        t,
        expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: 'HR', scopes: ['members:write'] }), 201).data.secret,
      );
      const email = `p-${uid()}@example.com`;
      const person = expectStatus(
        await hr.put(`${o.base}/people/P-1`, { email, name: 'Pat', mode: 'create', groupIds: [group.id] }),
        201,
      ).data;
      // Three people by import (mode create).
      const text = ['email,first name,groups', ...[1, 2, 3].map((i) => `imp-${i}-${uid()}@example.com,I${i},${group.name}`)].join('\n');
      const imp = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'create' }), 201).data;
      expectStatus(await o.owner.agent.post(`${o.base}/imports/${imp.id}/approve`, {}), 202);
      await drainUntil(t.drain, () => rx.received.length >= 5);
      const got = rx.received.map((r) => new Webhook(ep.secret).verify(r.body, r.headers) as Payload);
      expect(got.map((p) => p.type)).toEqual([
        'member.joined',
        'enrolment.created',
        'enrolment.created',
        'member.joined',
        'import.completed',
      ]);
      // The upsert: the person joins, then the group's session enrols them (a receiver knows them by then).
      expect(got[0]!.data).toMatchObject({ accountId: person.accountId, email });
      expect(got[1]!.data).toMatchObject({
        count: 1,
        items: [{ accountId: person.accountId, sessionId: session.id, programId: program.id }],
      });
      // The import: enrolments of the new accounts, then the people in one batch message, then the one import.completed.
      expect(got[2]!.data.count).toBe(3);
      expect(got[3]!.data).toMatchObject({ importId: imp.id, count: 3 });
      expect(got[3]!.data.items.map((i: { source: string }) => i.source)).toEqual(['import', 'import', 'import']);
      expect(got[4]!.data).toMatchObject({ importId: imp.id, created: 3 });
    } finally {
      await rx.close();
    }
  });

  it('groups a people batch’s events per kind, people before their enrolments, nothing for a refused person', async () => {
    const o = await orgWithOwner(t);
    const rx = await startReceiver();
    try {
      const events = ['member.joined', 'enrolment.created'];
      const ep = expectStatus(await o.owner.agent.post(`${o.base}/webhooks`, { url: rx.url, events }), 201).data;
      const group = await o.group(`Batch ${uid()}`);
      const session = await o.session((await o.program()).id);
      await o.attach(group.id, session.id);
      const hr = keyClient(
        t,
        expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: 'HR', scopes: ['members:write'] }), 201).data.secret,
      );
      const people = [1, 2, 3, 4].map((i) => ({
        externalId: `B-${i}`,
        email: `b${i}-${uid()}@example.com`,
        name: `B${i}`,
        mode: 'create',
        groupIds: [group.id],
      }));
      people[2] = { ...people[2]!, email: 'not an address' }; // refused: no events of theirs
      const batch = expectStatus(await hr.post(`${o.base}/people-batches`, { people }), 202).data;
      await drainUntil(t.drain, () => rx.received.length >= 2);
      await t.drain();
      const got = rx.received.map((r) => new Webhook(ep.secret).verify(r.body, r.headers) as Payload);
      expect(got.map((p) => p.type)).toEqual(['member.joined', 'enrolment.created']);
      expect(got[0]!.data).toMatchObject({ batchId: batch.id, count: 3 });
      expect(got[0]!.data.items.map((i: { email: string }) => i.email)).toEqual([people[0]!.email, people[1]!.email, people[3]!.email]);
      expect(got[1]!.data).toMatchObject({ batchId: batch.id, count: 3 });
      expect(new Set(got[1]!.data.items.map((i: { sessionId: string }) => i.sessionId))).toEqual(new Set([session.id]));
    } finally {
      await rx.close();
    }
  });
});
