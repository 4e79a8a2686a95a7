import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { one as oneRow } from '../src/lib/rows.js';
import { runImport } from '../src/modules/imports/apply.service.js';
import { approveImport } from '../src/modules/imports/imports.service.js';
import type { Actor } from '../src/modules/members/members.service.js';
import { createImport, type ImportSync } from '../src/modules/imports/preview.service.js';
import { closeContext, createContext } from '../src/runtime.js';
import { type Benchmark, ensureDatabase, loadNote, round, timed, traceQueries } from './lib.js';

// Issue 15: a sync import of 100,000 rows with 10,000 changes, against the add-only apply of a file of
// the same size, through the real services on PostgreSQL (DATABASE_URL, or troupe_bench).
// The sync organization has 100,000 managed members in a group; its file names 97,000 of them (4,000
// with a new name, a new group or a new external id), 3,000 new people, and leaves out 3,000 members,
// who are archived (3 %, under the 10 % threshold): 10,000 changes. The add-only import creates
// 100,000 new accounts in another organization (mode create, no emails). Previews are timed too.
// Figures on the shared, loaded helper machine are indicative only.

const ROWS = Number(process.env.BENCH_SYNC_ROWS ?? 100_000);
const CHANGED = ROWS * 0.04;
const NEW = ROWS * 0.03;
const MISSING = ROWS * 0.03;
const SLUG = 'bench-import-sync';

const bench: Benchmark = {
  name: 'import-sync',
  description: `a sync import of ${ROWS.toLocaleString('en')} rows with ${(CHANGED + NEW + MISSING).toLocaleString('en')} changes vs the add-only apply (PostgreSQL)`,
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'troupe-bench-sync-'));
    const config = loadConfig({ ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', SMTP_URL: '', ROLE: 'web' });
    const ctx = await createContext(config);
    const q = ctx.database.query;
    const one = async <T>(text: string, values: unknown[] = []) => oneRow((await q<T>(text, values)).rows, text);
    const loadBefore = loadavg()[0] ?? 0;
    const tag = Date.now().toString(36);
    try {
      await q(`DELETE FROM organizations WHERE slug LIKE '${SLUG}%'`);
      await q(`DELETE FROM accounts WHERE email_key LIKE 'bench-sync-%'`);
      const owner = await one<{ id: string; email: string; name: string }>(
        `INSERT INTO accounts (email, email_key, name) VALUES ($1, $1, 'Bench owner') RETURNING id, email, name`,
        [`bench-sync-owner-${tag}@bench.invalid`],
      );
      const actor: Actor = { id: owner.id, email: owner.email, name: owner.name, locale: 'en', role: 'owner', ip: '127.0.0.1' };
      const org = async (suffix: string) => {
        const o = await one<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id`, [`${SLUG}-${suffix}`]);
        await q(`INSERT INTO memberships (org_id, account_id, role) VALUES ($1, $2, 'owner')`, [o.id, owner.id]);
        await q(`INSERT INTO groups (org_id, name, name_key) VALUES ($1, 'Sales', 'sales'), ($1, 'Support', 'support')`, [o.id]);
        return o.id;
      };
      const syncOrg = await org('sync');
      const addOrg = await org('add');
      // The sync organization's members: managed, in Sales, with an external id.
      const seed = await timed(async () => {
        await q(
          `WITH a AS (
             INSERT INTO accounts (email, email_key, name)
             SELECT 'bench-sync-' || i || '@bench.invalid', 'bench-sync-' || i || '@bench.invalid', 'Person ' || i FROM generate_series(1, $2::int) i
             RETURNING id, email
           ), m AS (
             INSERT INTO memberships (org_id, account_id, role, managed, source, external_id)
             SELECT $1, id, 'learner', true, 'import', 'E' || split_part(split_part(email, '@', 1), '-', 3) FROM a RETURNING account_id
           )
           INSERT INTO group_members (org_id, group_id, account_id) SELECT $1, (SELECT id FROM groups WHERE org_id = $1 AND name_key = 'sales'), account_id FROM m`,
          [syncOrg, ROWS],
        );
        await q('VACUUM ANALYZE accounts, memberships, group_members, import_rows');
      });

      // The sync file: members MISSING+1 … ROWS (the first MISSING are left out), CHANGED of them changed, then NEW people.
      const lines = ['email,first name,last name,groups,external id'];
      for (let i = MISSING + 1; i <= ROWS; i++) {
        const k = i % 3;
        const changed = i <= MISSING + CHANGED;
        const name = changed && k === 0 ? `Renamed ${i}` : `Person ${i}`;
        const group = changed && k === 1 ? 'Sales;Support' : 'Sales';
        const ext = changed && k === 2 ? `X${i}` : `E${i}`;
        lines.push(`bench-sync-${i}@bench.invalid,${name},,${group},${ext}`);
      }
      for (let i = 1; i <= NEW; i++) lines.push(`bench-sync-new-${tag}-${i}@bench.invalid,New ${i},,Sales,N${i}`);
      const syncFile = Buffer.from(`${lines.join('\n')}\n`);
      const addLines = ['email,first name,last name,groups,external id'];
      for (let i = 1; i <= ROWS; i++) addLines.push(`bench-sync-add-${tag}-${i}@bench.invalid,Added ${i},,Sales,A${i}`);
      const addFile = Buffer.from(`${addLines.join('\n')}\n`);

      const measure = async (orgId: string, bytes: Buffer, sync?: ImportSync) => {
        const preview = await timed(() =>
          createImport(ctx, {
            actor,
            orgId,
            mode: 'create',
            input: { kind: 'file', bytes, fileName: 'people.csv' },
            createMissingGroups: false,
            sync,
          }),
        );
        const importId = preview.result;
        const apply = await timed(async () => {
          await approveImport(ctx, { actor, orgId, importId, sendWelcome: false });
          await runImport(ctx, { importId });
        });
        const imp = await one<{ status: string; result: Record<string, number>; counts: Record<string, number> }>(
          'SELECT status, result, counts FROM imports WHERE id = $1',
          [importId],
        );
        if (imp.status !== 'done') throw new Error(`import ${importId} ended ${imp.status}`);
        return { previewMs: preview.ms, applyMs: apply.ms, result: imp.result, counts: imp.counts };
      };
      const add = await measure(addOrg, addFile);
      const trace = process.env.BENCH_SYNC_TRACE ? traceQueries({}) : null; // BENCH_SYNC_TRACE=1: the slowest statements of the sync
      trace?.reset();
      const sync = await measure(syncOrg, syncFile, { syncMode: 'sync', blankCells: 'keep' });
      for (const x of trace?.summary().slice(0, 12) ?? [])
        console.log(`  ${String(round(x.ms)).padStart(7)} ms ×${x.calls} ${x.label.slice(0, 160)}`);
      trace?.stop();
      const ratio = round(sync.applyMs / add.applyMs, 2);
      console.log(
        `seed ${round(seed.ms)} ms; add-only: preview ${round(add.previewMs)} ms, apply ${round(add.applyMs)} ms ${JSON.stringify(add.result)}`,
      );
      console.log(
        `sync: preview ${round(sync.previewMs)} ms, apply ${round(sync.applyMs)} ms ${JSON.stringify(sync.result)}; ratio ${ratio}`,
      );
      return {
        results: [
          { name: 'add_only_preview_ms', value: round(add.previewMs), unit: 'ms', target: '' },
          { name: 'add_only_apply_ms', value: round(add.applyMs), unit: 'ms', target: '' },
          { name: 'sync_preview_ms', value: round(sync.previewMs), unit: 'ms', target: '' },
          { name: 'sync_apply_ms', value: round(sync.applyMs), unit: 'ms', target: '' },
          { name: 'sync_vs_add_only_apply', value: ratio, unit: '×', target: '≤ 1.5', ok: ratio <= 1.5 },
        ],
        meta: {
          rows: ROWS,
          syncResult: sync.result,
          syncCounts: {
            new: sync.counts.new,
            updated: sync.counts.updated,
            unchanged: sync.counts.unchanged,
            toArchive: sync.counts.toArchive,
          },
          addResult: add.result,
          loadBefore: round(loadBefore, 2),
          loadAfter: round(loadavg()[0] ?? 0, 2),
          note: loadNote(loadBefore, loadavg()[0] ?? 0),
        },
      };
    } finally {
      await q(`DELETE FROM organizations WHERE slug LIKE '${SLUG}%'`).catch(() => {});
      await q(`DELETE FROM accounts WHERE email_key LIKE 'bench-sync-%'`).catch(() => {});
      await closeContext(ctx);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
