import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import type { Db } from './client.js';
import { isCheckViolation, isUniqueViolation } from './errors.js';
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

// A LastTrip: pieces of work sent with the last statement and the COMMIT, in one packet.
describe('a last trip (pieces sent with the last statement and the COMMIT)', () => {
  const insert = (tx: Db, id: number) => () => queryRows(tx, sql`INSERT INTO ${tbl} (id, used) VALUES (${id}, 0)`);
  const kept = async (from: number) => (await notes()).filter((id) => id >= from && id < from + 100);

  it('commits the pieces with the last statement, which sees what they wrote, and returns its rows', async () => {
    const rows = await t.ctx.database.transactionEndingWith<{ n: number }>(async (tx) => ({
      with: [insert(tx, 200), insert(tx, 201)],
      last: sql`SELECT count(*)::int AS n FROM ${tbl} WHERE id BETWEEN 200 AND 299`,
    }));
    expect(rows).toEqual([{ n: 2 }]);
    expect(await kept(200)).toEqual([200, 201]);
  });

  it("keeps nothing when a piece's statement fails, and throws that failure (not the refusals after it)", async () => {
    const err = await t.ctx.database
      .transactionEndingWith(async (tx) => ({
        with: [insert(tx, 300), insert(tx, 1), insert(tx, 301)], // 1 is already there
        last: sql`INSERT INTO ${tbl} (id, used) VALUES (302, 0)`,
      }))
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await kept(300)).toEqual([]);
  });

  it('keeps nothing when a piece fails before its statement: the COMMIT is not sent', async () => {
    const err = await t.ctx.database
      .transactionEndingWith(async (tx) => ({
        with: [
          insert(tx, 400),
          async () => {
            throw new Error('refused in JavaScript');
          },
          insert(tx, 401),
        ],
        last: sql`INSERT INTO ${tbl} (id, used) VALUES (402, 0)`,
      }))
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('refused in JavaScript');
    expect(await kept(400)).toEqual([]);
  });

  // On the embedded database the pieces run one after the other inside the transaction, before the
  // COMMIT: a second statement is harmless there.
  it.runIf(process.env.DATABASE_URL)('fails loudly when a piece sends a statement after the COMMIT has left', async () => {
    const err = await t.ctx.database
      .transactionEndingWith(async (tx) => ({
        with: [
          async () => {
            await insert(tx, 500)();
            return insert(tx, 501)(); // would run outside the transaction
          },
        ],
        last: sql`SELECT 1`,
      }))
      .catch((e: unknown) => e);
    const cause = (err as Error & { cause?: Error }).cause ?? (err as Error); // Drizzle wraps the driver's error
    expect(cause.message).toMatch(/after its transaction was committed/);
    expect(await kept(500)).toEqual([500]); // the first statement went with the COMMIT; the second was never sent
    // The connection is usable again.
    const rows = await t.ctx.database.transactionEndingWith<{ n: number }>(async (tx) => ({
      with: [insert(tx, 502)],
      last: sql`SELECT 2 AS n`,
    }));
    expect(rows).toEqual([{ n: 2 }]);
  });
});
