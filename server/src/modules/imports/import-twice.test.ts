import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import type { AppContext } from '../../context.js';
import { closeContext, createContext } from '../../runtime.js';

// The double apply of issue 11: an approved import, every worker down past the stalled-import sweep
// (which queued more runs), then two workers starting at once. Each address must be invited once.
// Needs a PostgreSQL server (two workers share the database).
const DATABASE_URL = process.env.DATABASE_URL;

let t: TestApp;
beforeAll(async () => {
  if (DATABASE_URL) t = await createTestApp();
});
afterAll(() => t?.close());

type Row = Record<string, number | string>;
const one = async (q: string, v: unknown[]): Promise<Row> => (await t.ctx.database.query<Row>(q, v)).rows[0] ?? {};

describe.runIf(DATABASE_URL)('an import approved while every worker is down', () => {
  it('is applied once when the sweep queued it again and two workers drain the queue together', async () => {
    const o = await orgWithOwner(t);
    await o.group('Sales');
    const n = 2000;
    const text = ['email,first name,groups', ...Array.from({ length: n }, (_, i) => `twice-${i}@example.com,P${i},sales`)].join('\n');
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'invite' }), 201);
    expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, {}), 202);

    // Workers down for five minutes: the sweep (run twice, as its cron would) queues the run again.
    await t.ctx.database.query(`UPDATE imports SET approved_at = now() - interval '5 minutes' WHERE id = $1`, [prev.data.id]);
    for (let i = 0; i < 2; i++) {
      await t.ctx.jobs.send('imports.sweep', {});
      await t.ctx.jobs.drain(t.ctx, { names: ['imports.sweep'] });
    }
    const queued = await one(
      `SELECT count(*)::int AS n FROM ${t.ctx.config.jobs.schema}.job WHERE name = 'imports.run' AND state = 'created' AND data->>'importId' = $1`,
      [prev.data.id],
    );
    expect(queued.n).toBe(3);

    // Two workers (two contexts, as two processes would be) start together.
    const workers: AppContext[] = await Promise.all([createContext(t.ctx.config), createContext(t.ctx.config)]);
    try {
      await Promise.all(workers.map((w) => w.jobs.work(w)));
      for (let i = 0; i < 1200; i++) {
        const left = await one(
          `SELECT (SELECT status FROM imports WHERE id = $1) AS status,
             (SELECT count(*)::int FROM emails WHERE org_id = $2 AND status <> 'sent') AS unsent,
             (SELECT count(*)::int FROM ${t.ctx.config.jobs.schema}.job
               WHERE name = 'imports.run' AND data->>'importId' = $3 AND state IN ('created', 'retry', 'active')) AS runs`,
          [prev.data.id, o.org.id, prev.data.id],
        );
        if (left.status === 'done' && left.unsent === 0 && left.runs === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await Promise.all(workers.map((w) => closeContext(w)));
    }

    const done = (await o.owner.agent.get(`${o.base}/imports/${prev.data.id}`)).data;
    expect(done).toMatchObject({ status: 'done', progress: 100, result: { invited: n, skipped: 0 } });
    const inv = await one(
      `SELECT count(*)::int AS n, count(DISTINCT email_key)::int AS keys, count(*) FILTER (WHERE status = 'pending')::int AS pending
       FROM invitations WHERE org_id = $1`,
      [o.org.id],
    );
    expect(inv).toEqual({ n, keys: n, pending: n });
    const mail = await one(
      `SELECT count(*)::int AS n, count(DISTINCT to_address)::int AS addresses, count(*) FILTER (WHERE status = 'sent')::int AS sent
       FROM emails WHERE org_id = $1 AND template = 'invitation'`,
      [o.org.id],
    );
    expect(mail).toEqual({ n, addresses: n, sent: n });
  }, 300_000);
});
