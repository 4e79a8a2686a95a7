import pg from 'pg';
import type { Db } from './client.js';

/** The PostgreSQL connection a Drizzle transaction runs on, or null (the embedded database, or the pool's database object). */
export function connectionOf(tx: Db): pg.ClientBase | null {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  return client instanceof pg.Client ? client : null;
}

type Pipelined = { pipeline: boolean; connection: { stream: { cork(): void; uncork(): void } } };

/**
 * Holds back the connection's writes until the event loop turns, so the statements started meanwhile
 * leave in one packet. Only on a pipelining connection (Database.transactionEndingWith's): elsewhere a
 * statement waits for the previous one's answer anyway.
 */
export function holdWrites(client: pg.ClientBase | null): void {
  const c = client as unknown as Pipelined | null;
  if (!c?.pipeline) return;
  c.connection.stream.cork();
  setImmediate(() => c.connection.stream.uncork());
}

/**
 * Starts each piece of work in order, without waiting for one to finish before starting the next, and
 * waits for all: on a pipelining connection their statements go in one round trip. PostgreSQL still
 * runs the statements in the order they were started, so a piece may rely on what an earlier one
 * wrote, but not on its answer in JavaScript. Inside a transaction only: when a statement fails, the
 * transaction refuses the ones after it, and the first failure (the real one) is thrown. Given the
 * pool's database object (statements on separate connections, in no set order), it runs them one
 * after the other.
 */
export async function inOneTrip<T extends unknown[]>(tx: Db, ...work: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if ((tx as unknown as { session?: { client?: unknown } }).session?.client instanceof pg.Pool) {
    const done: unknown[] = [];
    for (const start of work) done.push(await start());
    return done as T;
  }
  holdWrites(connectionOf(tx));
  const settled = await Promise.allSettled(work.map((start) => start()));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as T;
}
