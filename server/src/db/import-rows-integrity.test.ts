import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import { pgErrorCode } from './errors.js';

// import_rows.import_id refers to imports.id through set-based triggers (migration 0027) instead of
// a per-row foreign key: the same guarantees, checked here on both databases.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const q = <T = Record<string, unknown>>(text: string, values: unknown[] = []) => t.ctx.database.query<T>(text, values);

async function importWithRows(rows: number) {
  const [org] = (await q<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id`, [`rows-${uid()}`])).rows;
  const [imp] = (
    await q<{ id: string }>(`INSERT INTO imports (org_id, mode, source) VALUES ($1, 'invite', 'paste') RETURNING id`, [org!.id])
  ).rows;
  await q(`INSERT INTO import_rows (import_id, line, email) SELECT $1, g, 'p' || g || '@example.com' FROM generate_series(1, $2::int) g`, [
    imp!.id,
    rows,
  ]);
  return { orgId: org!.id, importId: imp!.id };
}
const rowsOf = async (importId: string) =>
  (await q<{ n: number }>(`SELECT count(*)::int AS n FROM import_rows WHERE import_id = $1`, [importId])).rows[0]?.n;

it('refuses rows of an import that does not exist, all of the statement’s rows with them', async () => {
  const { importId } = await importWithRows(3);
  const missing = '00000000-0000-4000-8000-00000000abcd';
  const err = await q(`INSERT INTO import_rows (import_id, line, email) VALUES ($1, 10, 'a@example.com'), ($2, 1, 'b@example.com')`, [
    importId,
    missing,
  ]).catch((e: unknown) => e);
  expect(pgErrorCode(err)).toBe('23503');
  expect(String((err as Error).message)).toContain(missing);
  expect(await rowsOf(importId)).toBe(3);
});

it('removes an import’s rows with the import, and with its organization', async () => {
  const a = await importWithRows(5);
  const b = await importWithRows(4);
  const kept = await importWithRows(2);
  await q(`DELETE FROM imports WHERE id = $1`, [a.importId]);
  await q(`DELETE FROM organizations WHERE id = $1`, [b.orgId]);
  expect([await rowsOf(a.importId), await rowsOf(b.importId), await rowsOf(kept.importId)]).toEqual([0, 0, 2]);
});

it('never moves rows to another import, nor changes the id of an import that has rows', async () => {
  const a = await importWithRows(2);
  const b = await importWithRows(1);
  const moved = await q(`UPDATE import_rows SET import_id = $2 WHERE import_id = $1`, [a.importId, b.importId]).catch((e: unknown) => e);
  expect(pgErrorCode(moved)).toBe('23503');
  const renamed = await q(`UPDATE imports SET id = gen_random_uuid() WHERE id = $1`, [a.importId]).catch((e: unknown) => e);
  expect(pgErrorCode(renamed)).toBe('23503');
  // Other changes to rows go through (the checks look at import_id only).
  await q(`UPDATE import_rows SET outcome = 'invalid' WHERE import_id = $1`, [a.importId]);
  expect(await rowsOf(a.importId)).toBe(2);
});
