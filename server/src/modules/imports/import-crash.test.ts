import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { one as oneRow } from '../../lib/rows.js';

// A worker process killed in the middle of an import leaves no half-import; the run resumes and the
// end state is that of one clean run. Needs a PostgreSQL server (two processes share the database).
const DATABASE_URL = process.env.DATABASE_URL;

let t: TestApp;
beforeAll(async () => {
  if (DATABASE_URL) t = await createTestApp();
});
afterAll(() => t?.close());

const one = async (q: string, v: unknown[]) => oneRow((await t.ctx.database.query<{ n: number; status: string }>(q, v)).rows, q);

describe.runIf(DATABASE_URL)('an import whose worker is killed', () => {
  it('applies nothing until it resumes, then applies every row once', async () => {
    const o = await orgWithOwner(t);
    await o.group('Sales');
    const n = 2000;
    const text = ['email,first name,groups', ...Array.from({ length: n }, (_, i) => `crash-${i}@example.com,P${i},sales`)].join('\n');
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'invite' }), 201);
    expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, {}), 202);

    // Hold the organization's row so the worker blocks inside its transaction, after its first writes.
    const blocker = new pg.Client({ connectionString: DATABASE_URL });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [o.org.id]);

    const worker = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../../main.ts')], {
      env: {
        ...process.env,
        ROLE: 'worker',
        DATABASE_URL,
        JOBS_SCHEMA: t.ctx.config.jobs.schema,
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'troupe-worker-')),
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      let waiting = false;
      for (let i = 0; i < 900 && !waiting; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const row = await one(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO invitations%'`,
          [],
        );
        waiting = row.n > 0;
      }
      expect(waiting).toBe(true);
      expect((await one('SELECT status FROM imports WHERE id = $1', [prev.data.id])).status).toBe('running');
    } finally {
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      await blocker.query('ROLLBACK');
      await blocker.end();
    }

    // Killed mid-transaction: nothing of the import is there.
    expect((await one('SELECT count(*)::int AS n FROM invitations WHERE org_id = $1', [o.org.id])).n).toBe(0);
    expect((await one('SELECT count(*)::int AS n FROM import_rows WHERE import_id = $1 AND result IS NOT NULL', [prev.data.id])).n).toBe(0);

    // The killed worker's server backend ends on its own (it held the import's lock); then, two
    // minutes without a heartbeat later, the sweeper queues the run again; it completes once.
    let lockHeld = true;
    for (let i = 0; i < 300 && lockHeld; i++) {
      const row = await one(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('import:' || $1, 0)`,
        [prev.data.id],
      );
      lockHeld = row.n > 0;
      if (lockHeld) await new Promise((r) => setTimeout(r, 100));
    }
    expect(lockHeld).toBe(false);
    await t.ctx.database.query(`UPDATE imports SET heartbeat_at = now() - interval '3 minutes' WHERE id = $1`, [prev.data.id]);
    await t.ctx.jobs.send('imports.sweep', {});
    await t.ctx.jobs.drain(t.ctx, { names: ['imports.sweep', 'imports.run'] });
    const done = (await o.owner.agent.get(`${o.base}/imports/${prev.data.id}`)).data;
    expect(done).toMatchObject({ status: 'done', progress: 100, result: { invited: n, skipped: 0 } });
    const inv = await one('SELECT count(*)::int AS n, count(DISTINCT email_key)::int AS keys FROM invitations WHERE org_id = $1', [
      o.org.id,
    ]);
    expect(inv).toEqual({ n, keys: n });
  }, 120_000);
});
