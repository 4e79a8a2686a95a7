import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient } from '../../../test/api-key-client.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { runBatch } from './people-batch.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Org = Awaited<ReturnType<typeof orgWithOwner>>;
const key = async (o: Org, scopes: string[]) =>
  keyClient(t, expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: 'HR', scopes }), 201).data.secret);
const count = async (text: string, values: unknown[]) => Number((await t.ctx.database.query(text, values)).rows[0]?.n);

describe('batch provisioning', () => {
  it('answers 202, applies every person in the background with per-person results, and a second run does nothing', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group(`Drivers ${uid()}`);
    const s = await o.session((await o.program()).id);
    await o.attach(g.id, s.id);
    const hr = await key(o, ['members:write']);
    const known = { email: `known-${uid()}@example.com`, name: 'Kim', mode: 'create', groupIds: [g.id] };
    expectStatus(await hr.put(`${o.base}/people/K-1`, known), 201);
    const people = [
      { externalId: 'K-1', ...known },
      ...Array.from({ length: 30 }, (_, i) => ({
        externalId: `N-${i}`,
        email: `new-${i}-${uid()}@example.com`,
        name: `New ${i}`,
        mode: 'create',
        groupIds: [g.id],
      })),
      { externalId: 'I-1', email: `inv-${uid()}@example.com`, name: 'Ivy', mode: 'invite', groupIds: [g.id] },
    ];
    const batch = expectStatus(await hr.post(`${o.base}/people-batches`, { people }), 202).data;
    expect(batch).toMatchObject({ status: 'queued', total: 32, progress: 0 });
    await t.drain();
    const done = expectStatus(await hr.get(`${o.base}/people-batches/${batch.id}`), 200).data;
    expect(done).toMatchObject({
      status: 'done',
      progress: 100,
      rowsDone: 32,
      counts: { created: 30, unchanged: 1, updated: 0, failed: 1 },
    });
    const results = expectStatus(await hr.get(`${o.base}/people-batches/${batch.id}/results?limit=500`), 200).data;
    expect(results.items).toHaveLength(32);
    expect(results.items[0]).toMatchObject({ line: 0, externalId: 'K-1', outcome: 'unchanged', status: 'active', error: null });
    expect(results.items[1]).toMatchObject({ externalId: 'N-0', outcome: 'created', status: 'active' });
    // Inviting needs invitations:write: that person alone is refused, with the reason the single PUT would give.
    expect(results.items[31]).toMatchObject({ externalId: 'I-1', outcome: 'failed', error: { status: 403, code: 'forbidden' } });
    const failed = expectStatus(await hr.get(`${o.base}/people-batches/${batch.id}/results?outcome=failed`), 200).data;
    expect(failed.items.map((r: { externalId: string }) => r.externalId)).toEqual(['I-1']);
    // The new people are members of the group, enrolled in its session.
    const enrolled = await count(`SELECT count(*)::int AS n FROM enrolments WHERE org_id = $1 AND session_id = $2`, [o.org.id, s.id]);
    expect(enrolled).toBe(31);

    // The job again (a retry, the sweep): nothing changes.
    const before = await count(`SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1`, [o.org.id]);
    await runBatch(t.ctx, { batchId: batch.id });
    expect(await count(`SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1`, [o.org.id])).toBe(before);
    expect(await count(`SELECT count(*)::int AS n FROM memberships WHERE org_id = $1`, [o.org.id])).toBe(32);

    // Another organization's key does not see the batch.
    const other = await orgWithOwner(t);
    expect((await (await key(other, ['members:write'])).get(`${other.base}/people-batches/${batch.id}`)).statusCode).toBe(404);
    expect((await (await key(other, ['members:write'])).get(`${o.base}/people-batches/${batch.id}`)).statusCode).toBe(404);
  });

  it('refuses bad batches with 422 naming the field, and needs members:write', async () => {
    const o = await orgWithOwner(t);
    const hr = await key(o, ['members:write']);
    const p = (i: number) => ({ externalId: `E-${i}`, email: `e${i}@example.com`, name: 'E', mode: 'create' });
    const tooMany = await hr.post(`${o.base}/people-batches`, { people: Array.from({ length: 10_001 }, (_, i) => p(i)) });
    expect(tooMany.statusCode).toBe(422);
    expect(JSON.stringify(tooMany.data.error)).toContain('people');
    const twice = await hr.post(`${o.base}/people-batches`, { people: [p(1), p(1)] });
    expect(twice.statusCode).toBe(422);
    expect(JSON.stringify(twice.data.error)).toContain('externalId');
    const badMode = await hr.post(`${o.base}/people-batches`, { people: [{ ...p(1), mode: 'adopt' }] });
    expect(badMode.statusCode).toBe(422);
    expect(JSON.stringify(badMode.data.error)).toContain('mode');
    expect((await hr.post(`${o.base}/people-batches`, { people: [] })).statusCode).toBe(422);
    const reader = await key(o, ['members:read']);
    expect((await reader.post(`${o.base}/people-batches`, { people: [p(1)] })).statusCode).toBe(403);
  });
});

describe('progress by (externalId, program)', () => {
  it('reports progress and completion for the person’s enrolment in the program, with enrolments:write', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group(`G ${uid()}`);
    const program = await o.program();
    const s = await o.session(program.id);
    await o.attach(g.id, s.id);
    const hr = await key(o, ['members:write']);
    const p = expectStatus(
      await hr.put(`${o.base}/people/LMS-1`, { email: `l-${uid()}@example.com`, name: 'L', mode: 'create', groupIds: [g.id] }),
      201,
    ).data;
    const url = `${o.base}/people/LMS-1/programs/${program.id}/progress`;
    expect((await hr.post(url, { percent: 40 })).statusCode).toBe(403);
    const lms = await key(o, ['enrolments:write']);
    expect(expectStatus(await lms.post(url, { percent: 40 }), 200).data).toMatchObject({
      accountId: p.accountId,
      sessionId: s.id,
      percent: 40,
      completed: false,
    });
    expect(expectStatus(await lms.post(url, { percent: 100 }), 200).data).toMatchObject({ percent: 100, completed: true });
    expect((await o.enrolments()).get(`${p.accountId}:${s.id}`)).toBe(100);
    expect((await lms.post(`${o.base}/people/nobody/programs/${program.id}/progress`, { percent: 10 })).statusCode).toBe(404);
    expect((await lms.post(`${o.base}/people/LMS-1/programs/${(await o.program()).id}/progress`, { percent: 10 })).statusCode).toBe(404);
    const bad = await lms.post(url, { percent: 140 });
    expect(bad.statusCode).toBe(422);
    expect(JSON.stringify(bad.data.error)).toContain('percent');
  });
});

// Last in the file: its batch is left queued (applying 10,000 people on the embedded database takes
// minutes), and a later test's drain would run it.
describe('batch size', () => {
  it('takes 10,000 people in one request', async () => {
    const o = await orgWithOwner(t);
    const hr = await key(o, ['members:write']);
    const people = Array.from({ length: 10_000 }, (_, i) => ({
      externalId: `B-${i}`,
      email: `b${i}@example.com`,
      name: 'B',
      mode: 'create',
    }));
    const batch = expectStatus(await hr.post(`${o.base}/people-batches`, { people }), 202).data;
    expect(batch.total).toBe(10_000);
    expect(await count(`SELECT count(*)::int AS n FROM people_batch_rows WHERE batch_id = $1`, [batch.id])).toBe(10_000);
  });
});
