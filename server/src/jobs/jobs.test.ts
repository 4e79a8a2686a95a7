import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import { queueEmails } from '../mail/outbox.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const rows = async <T>(q: string) => (await t.ctx.database.query<T>(q)).rows as T[];

describe('job queues', () => {
  it('are created with the policy the code relies on (standard: no singleton keys) and, on PostgreSQL, a short lease', async () => {
    const queues = await rows<{ name: string; policy: string; expire: number }>(
      `SELECT name, policy, expire_seconds AS expire FROM ${t.ctx.config.jobs.schema}.queue WHERE name NOT LIKE '\\_\\_%'`,
    );
    expect(queues.map((q) => q.name)).toEqual(
      expect.arrayContaining(['email.batch', 'imports.run', 'invitations.batch', 'observers.digest']),
    );
    for (const q of queues) expect(q.policy).toBe('standard');
    // A job whose worker died is taken over once its lease (renewed while it runs) is over.
    if (t.ctx.database.kind === 'pg') for (const q of queues) expect(q.expire).toBeLessThanOrEqual(15);
  });

  it('queues one job for a list of 20 addresses, not one per address', async () => {
    const tag = uid();
    const items = Array.from({ length: 20 }, (_, i) => ({ to: `small-${i}-${tag}@example.com`, template: 'account-exists' }));
    const ids = await t.ctx.db.transaction((tx) => queueEmails(tx, t.ctx.jobs, items));
    const [jobs] = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${t.ctx.config.jobs.schema}.job
       WHERE name LIKE 'email.%' AND (data->>'batchId' IN (SELECT batch_id::text FROM emails WHERE id = '${ids[0]}')
         OR data->>'emailId' IN (SELECT id::text FROM emails WHERE to_address LIKE '%-${tag}@example.com'))`,
    );
    expect(jobs?.n).toBe(1);
    await t.drain();
    const [sent] = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM emails WHERE to_address LIKE '%-${tag}@example.com' AND status = 'sent'`,
    );
    expect(sent?.n).toBe(20);
  });
});
