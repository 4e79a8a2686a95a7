import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import { isCheckViolation } from './errors.js';
import { queryRows } from '../lib/sql.js';

// Database.transactionEndingWith: the last statement goes with the COMMIT (pipelined on PostgreSQL).
// What a caller relies on: the rows of that statement come back and everything commits; when that
// statement raises, nothing of the transaction is kept and its error is thrown; the connections stay
// usable afterwards (more transactions than the pool has connections, all checked).

let t: TestApp;
const table = `ending_${uid().replace(/[^a-z0-9]/gi, '')}`;
beforeAll(async () => {
  t = await createTestApp();
  await t.ctx.database.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, used int NOT NULL CHECK (used <= 1), note text)`);
});
afterAll(async () => {
  await t.ctx.database.exec(`DROP TABLE IF EXISTS ${table}`);
  await t.close();
});

const tbl = sql.raw(table);
const notes = async () =>
  (await queryRows<{ id: number; note: string | null }>(t.ctx.db, sql`SELECT id, note FROM ${tbl} ORDER BY id`)).map((r) => r.id);

it('commits the work and returns the rows of the last statement', async () => {
  const rows = await t.ctx.database.transactionEndingWith<{ used: number }>(async (tx) => {
    await tx.execute(sql`INSERT INTO ${tbl} (id, used) VALUES (1, 0), (2, 0)`);
    return sql`UPDATE ${tbl} SET used = used + 1 WHERE id = ${1} RETURNING used`;
  });
  expect(rows).toEqual([{ used: 1 }]);
  expect(await notes()).toEqual([1, 2]);
});

it('keeps nothing when the last statement raises, and throws its error', async () => {
  const err = await t.ctx.database
    .transactionEndingWith(async (tx) => {
      await tx.execute(sql`INSERT INTO ${tbl} (id, used) VALUES (3, 0)`);
      return sql`UPDATE ${tbl} SET used = used + 1 WHERE id = ${1} RETURNING used`; // 1 is already used: the CHECK refuses
    })
    .catch((e: unknown) => e);
  expect(isCheckViolation(err, `${table}_used_check`)).toBe(true);
  expect(await notes()).toEqual([1, 2]);
});

it('keeps nothing when the work before the last statement fails, and just commits when there is no last statement', async () => {
  await expect(
    t.ctx.database.transactionEndingWith(async (tx) => {
      await tx.execute(sql`INSERT INTO ${tbl} (id, used) VALUES (4, 0)`);
      throw new Error('refused before the end');
    }),
  ).rejects.toThrow('refused before the end');
  expect(
    await t.ctx.database.transactionEndingWith(async (tx) => {
      await tx.execute(sql`INSERT INTO ${tbl} (id, used) VALUES (5, 0)`);
      return null;
    }),
  ).toBeNull();
  expect(await notes()).toEqual([1, 2, 5]);
});

it('leaves every connection usable: many refused and accepted endings in a row, some at once', async () => {
  const ids = Array.from({ length: 30 }, (_, i) => 100 + i);
  const results = await Promise.all(
    ids.map((id) =>
      t.ctx.database
        .transactionEndingWith<{ used: number }>(async (tx) => {
          await tx.execute(sql`INSERT INTO ${tbl} (id, used, note) VALUES (${id}, ${id % 2}, 'x')`);
          return sql`UPDATE ${tbl} SET used = used + 1 WHERE id = ${id} RETURNING used`; // odd ids are refused
        })
        .then(
          (rows) => rows?.[0]?.used,
          (e: unknown) => (isCheckViolation(e) ? 'refused' : e),
        ),
    ),
  );
  expect(results).toEqual(ids.map((id) => (id % 2 ? 'refused' : 1)));
  const kept = await queryRows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM ${tbl} WHERE id >= 100`);
  expect(kept[0]?.n).toBe(15);
  // Plain queries and transactions still work on every pooled connection.
  const after = await Promise.all(ids.map(() => t.ctx.database.query<{ one: number }>('SELECT $1::int AS one', [1])));
  expect(after.every((r) => r.rows[0]?.one === 1)).toBe(true);
});
