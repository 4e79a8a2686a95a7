import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

// While an import runs, another connection sees it move: percent and rows done, slice after slice.
// Needs a PostgreSQL server (the embedded database has one connection, held by the import).
const DATABASE_URL = process.env.DATABASE_URL;

let t: TestApp;
beforeAll(async () => {
  if (DATABASE_URL) t = await createTestApp();
});
afterAll(() => t?.close());

describe.runIf(DATABASE_URL)('a running import', () => {
  it('reports its progress in steps, rows done rising to every row', async () => {
    const o = await orgWithOwner(t);
    await o.group('Sales');
    const n = 25_000;
    const u = uid();
    const text = ['email,groups', ...Array.from({ length: n }, (_, i) => `p${i}-${u}@example.com,Sales`)].join('\n');
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'invite' }), 201);
    expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, {}), 202);

    const seen: { progress: number; rowsDone: number }[] = [];
    let running = true;
    const run = t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] }).finally(() => {
      running = false;
    });
    while (running) {
      const { rows } = await t.ctx.database.query<{ progress: number; rows_done: number }>(
        'SELECT progress, rows_done FROM imports WHERE id = $1',
        [prev.data.id],
      );
      const [row] = rows;
      const last = seen.at(-1);
      if (row && (!last || last.progress !== row.progress)) seen.push({ progress: row.progress, rowsDone: row.rows_done });
      await new Promise((r) => setTimeout(r, 10));
    }
    await run;

    const done = (await o.owner.agent.get(`${o.base}/imports/${prev.data.id}`)).data;
    expect(done).toMatchObject({ status: 'done', progress: 100, rowsDone: n, result: { invited: n } });
    const between = seen.filter((s) => s.progress > 10 && s.progress < 100);
    expect(between.every((s) => s.rowsDone > 0 && s.rowsDone <= n)).toBe(true);
    expect(between.some((s) => s.rowsDone < n)).toBe(true); // seen part-way
    // Never backwards.
    expect(seen.map((s) => s.progress)).toEqual([...seen.map((s) => s.progress)].sort((a, b) => a - b));
  }, 120_000);
});
