import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import { queryRows } from '../lib/sql.js';
import type { Db } from './client.js';
import { isUniqueViolation } from './errors.js';
import { inOneTrip } from './pipeline.js';

// inOneTrip: pieces of work started together, in one round trip on a pipelining connection. What a
// caller relies on: PostgreSQL runs the pieces' statements in the order of the pieces, even when a
// piece does more JavaScript first than the next; the first real failure is thrown and the
// transaction keeps nothing. Checked in both kinds of transaction (pipelined and Drizzle's own).

let t: TestApp;
const table = `trip_${uid().replace(/[^a-z0-9]/gi, '')}`;
const tbl = sql.raw(table);
beforeAll(async () => {
  t = await createTestApp();
  await t.ctx.database.exec(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
});
afterAll(async () => {
  await t.ctx.database.exec(`DROP TABLE IF EXISTS ${table}`);
  await t.close();
});

/** A piece that turns the microtask queue many times before its statement (as a service with several awaits would). */
const slowToStart = (tx: Db, id: number) => async () => {
  for (let i = 0; i < 50; i++) await null;
  return queryRows(tx, sql`INSERT INTO ${tbl} (id) VALUES (${id}) RETURNING id`);
};
const count = (tx: Db, id: number) => () => queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM ${tbl} WHERE id = ${id}`);
const kept = async (id: number) => (await count(t.ctx.db, id)())[0]?.n;

const transactions: [string, (work: (tx: Db) => Promise<void>) => Promise<void>][] = [
  [
    'pipelined',
    async (work) => {
      await t.ctx.database.transactionEndingWith(async (tx) => {
        await work(tx);
        return null;
      });
    },
  ],
  ['Drizzle', (work) => t.ctx.db.transaction(work)],
];

for (const [kind, transaction] of transactions) {
  it(`runs the pieces' statements in their order, whatever each does first (${kind} transaction)`, async () => {
    const id = 1 + transactions.findIndex(([k]) => k === kind);
    await transaction(async (tx) => {
      const [inserted, seen] = await inOneTrip(tx, slowToStart(tx, id), count(tx, id));
      expect(inserted).toEqual([{ id }]);
      expect(seen).toEqual([{ n: 1 }]);
    });
    expect(await kept(id)).toBe(1);
  });

  it(`throws the first failure, not the refusals after it, and keeps nothing (${kind} transaction)`, async () => {
    const id = 10 + transactions.findIndex(([k]) => k === kind);
    await t.ctx.database.exec(`INSERT INTO ${table} (id) VALUES (${id})`);
    const err = await transaction(async (tx) => {
      await inOneTrip(
        tx,
        () => queryRows(tx, sql`INSERT INTO ${tbl} (id) VALUES (${id + 100})`),
        slowToStart(tx, id), // already there: refused
        () => queryRows(tx, sql`INSERT INTO ${tbl} (id) VALUES (${id + 200})`),
      );
    }).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await kept(id + 100)).toBe(0);
    expect(await kept(id + 200)).toBe(0);
  });
}
