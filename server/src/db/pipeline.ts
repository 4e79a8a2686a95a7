import pg from 'pg';
import type { Db } from './client.js';

/** What a Drizzle database or transaction runs its statements on (a pg client or pool, or PGlite). */
const sessionClient = (tx: Db): unknown => (tx as unknown as { session?: { client?: unknown } }).session?.client;

/** The PostgreSQL connection a Drizzle transaction runs on, or null (the embedded database, or the pool's database object). */
export function connectionOf(tx: Db): pg.ClientBase | null {
  const client = sessionClient(tx);
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

/** The next turn of the event loop: every chain of promises started before it, with no I/O, has run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Starts each piece of work in order, without waiting for one to finish before starting the next, and
 * waits for all: on a pipelining connection their statements go in one round trip. Each piece must
 * send its first statement before any other I/O; the next piece starts one turn of the event loop
 * later, once that statement is on its way. So PostgreSQL runs the pieces' first statements in the
 * order of the pieces, whatever their JavaScript does first, and a piece may rely on what an earlier
 * one wrote, but not on its answer. Inside a transaction only: when a statement fails, the
 * transaction refuses the ones after it, and the first failure (the real one) is thrown; when a piece
 * fails before its statement leaves, the pieces after it are not started. Given the
 * pool's database object (statements on separate connections, in no set order), it runs them one
 * after the other.
 */
export async function inOneTrip<T extends unknown[]>(tx: Db, ...work: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (sessionClient(tx) instanceof pg.Pool) {
    const done: unknown[] = [];
    for (const start of work) done.push(await start());
    return done as T;
  }
  const c = connectionOf(tx) as unknown as Pipelined | null;
  const stream = c?.pipeline ? c.connection.stream : null;
  const started: Promise<unknown>[] = [];
  let failed = false;
  stream?.cork();
  try {
    for (const start of work) {
      if (started.length) await nextTurn();
      // A piece that failed before its statement left (in JavaScript): the pieces after it are not
      // started (the last may be a COMMIT, which must not commit the work without it).
      if (failed) break;
      let piece: Promise<unknown>;
      try {
        piece = start();
      } catch (err) {
        piece = Promise.reject(err);
      }
      piece.catch(() => {
        failed = true; // read above, and below once all have started; never left unhandled meanwhile
      });
      started.push(piece);
    }
    await nextTurn();
  } finally {
    stream?.uncork();
  }
  const settled = await Promise.allSettled(started);
  const first = settled.find((s) => s.status === 'rejected');
  if (first) throw first.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as T;
}
