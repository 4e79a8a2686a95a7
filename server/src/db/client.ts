import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { queryRows } from '../lib/sql.js';
import { holdWrites, inOneTrip } from './pipeline.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The Drizzle database, the same type over pg and PGlite, and inside transactions. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** What a job queue or a raw caller needs: run SQL text with $n parameters. */
export type SqlExecutor = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

/**
 * A transaction's last round trip when more than its last statement can go with the COMMIT: `with`,
 * pieces of work started in order (as inOneTrip does), then `last`, then the COMMIT, in one packet.
 * Each piece sends ONE statement and nothing can refuse after its answer: once the COMMIT has left,
 * JavaScript can no longer roll it back (a piece that sends a second statement fails loudly). Its
 * results are not read; a piece that fails before its statement leaves keeps the COMMIT from being sent.
 */
export type LastTrip = { with: (() => Promise<unknown>)[]; last: SQL };

export type Database = {
  kind: 'pg' | 'pglite';
  db: Db;
  /** Runs SQL text with $n parameters (outside any transaction). */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  /**
   * A transaction whose last statement goes with its COMMIT in one round trip (pipelined on PostgreSQL):
   * a row that statement locks (a counter many people take from at once) stays locked for that
   * statement and the commit only, not while this process turns around between them. `fn` returns that
   * statement, or null to just commit; its rows are returned. To refuse, the statement raises an error
   * (a CHECK constraint, say): the COMMIT then rolls everything back, and that error is thrown.
   * `fn` may also return a LastTrip: statements of its own that go with that last one and the COMMIT.
   */
  transactionEndingWith<T = Record<string, unknown>>(fn: (tx: Db) => Promise<SQL | LastTrip | null>): Promise<T[] | null>;
  /** Runs several statements with no parameters (migrations, job-queue set-up). */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
  pool?: pg.Pool;
  pglite?: PGlite;
};

// Dates come back as ISO strings from both drivers; timestamps are stored as timestamptz.
pg.types.setTypeParser(20, (v) => Number(v)); // bigint counts fit in a JS number here

/** How many statements one connection keeps prepared; more are sent unnamed (parsed and planned at each call). */
const PREPARED_PER_CONNECTION = 500;
/** Longer texts (multi-row VALUES lists, generated SQL) are sent unnamed: they are rarely run twice. */
const PREPARED_MAX_TEXT = 8_000;

type QueryConfig = { text?: string; name?: string; values?: unknown[] };

/** Statement names by text, shared by the pool's connections (a hash costs more than the lookup); bounded like them. */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `t${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    if (names.size >= PREPARED_PER_CONNECTION * 4) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * A pg client that prepares each parameterised statement once per connection, named by a hash of
 * its text (what postgres.js does by default): PostgreSQL parses and plans a hot statement once, not
 * at every call. Bounded per connection, so generated texts cannot grow a backend's memory forever.
 */
class PreparingClient extends pg.Client {
  private prepared = new Set<string>();

  /** Set once a pipelined transaction's COMMIT has left (LastTrip): a statement sent then would run outside it. */
  committed = false;

  // biome-ignore lint/suspicious/noExplicitAny: pg's query has many overloads; this one only names the config form
  override query(config: any, values?: any, callback?: any): any {
    if (this.committed)
      throw new Error('A statement was sent after its transaction was committed: a LastTrip piece sends one statement only.');
    // `query(text, values)` (the pool's and pg-boss's form) is named too, as a config.
    if (typeof config === 'string' && Array.isArray(values) && values.length) {
      config = { text: config, values };
      values = undefined;
    }
    const c = config as QueryConfig | string;
    const hasValues = (typeof c === 'object' && c?.values?.length) || (Array.isArray(values) && values.length);
    if (c && typeof c === 'object' && !c.name && typeof c.text === 'string' && hasValues && c.text.length <= PREPARED_MAX_TEXT) {
      const name = statementName(c.text);
      if (this.prepared.has(name) || this.prepared.size < PREPARED_PER_CONNECTION) {
        this.prepared.add(name);
        config = { ...c, name };
      }
    }
    // biome-ignore lint/suspicious/noExplicitAny: forwarded as received
    return (super.query as any)(config, values, callback);
  }
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite in `pgliteDir` (or memory). */
export async function openDatabase(opts: {
  databaseUrl?: string;
  pgliteDir?: string;
  poolMax?: number;
  pgliteTemplate?: string;
}): Promise<Database> {
  if (opts.databaseUrl) {
    // A process that dies mid-statement leaves its server backend running (and holding its locks)
    // until the backend next writes to the socket; PostgreSQL 14+ checks the client every 2 s instead.
    // Set at connection start (no statement racing the pool's first query on a new connection).
    const pool = new pg.Pool({
      Client: PreparingClient as unknown as typeof pg.Client,
      connectionString: opts.databaseUrl,
      max: opts.poolMax ?? 10,
      options: '-c client_connection_check_interval=2000',
    });
    pool.on('error', () => {}); // an idle client's error must not crash the process
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      kind: 'pg',
      db,
      pool,
      transactionEndingWith: (fn) => pipelinedTransaction(pool, fn),
      query: async <T>(text: string, values?: unknown[]) => ({ rows: (await pool.query(text, values)).rows as T[] }),
      exec: async (text) => {
        await pool.query(text);
      },
      close: () => pool.end(),
    };
  }
  const dir = opts.pgliteDir ?? 'memory://';
  // A template (a dumped, already migrated data folder) skips initdb: tests boot in about a second.
  const pglite = opts.pgliteTemplate
    ? await PGlite.create({ loadDataDir: new Blob([readFileSync(opts.pgliteTemplate)]) })
    : await PGlite.create(dir === 'memory://' ? undefined : dir);
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite,
    // One connection, nothing to wait for: the last statement, then the commit (or the rollback of its error).
    transactionEndingWith: <T>(fn: (tx: Db) => Promise<SQL | LastTrip | null>) =>
      db.transaction(async (tx) => {
        const ending = await fn(tx);
        if (!ending) return null;
        if (!isLastTrip(ending)) return queryRows<T>(tx, ending);
        for (const piece of ending.with) await piece();
        return queryRows<T>(tx, ending.last);
      }),
    query: async <T>(text: string, values?: unknown[]) => ({ rows: (await pglite.query<T>(text, values)).rows }),
    exec: async (text) => {
      await pglite.exec(text);
    },
    close: () => pglite.close(),
  };
}

const dialect = new PgDialect();
/** A Drizzle database over each pooled connection that ran a pipelined transaction (made once per connection). */
const overClient = new WeakMap<pg.PoolClient, Db>();
type Pipelining = { pipeline: boolean; committed?: boolean };

const isLastTrip = (ending: SQL | LastTrip): ending is LastTrip => 'with' in ending && 'last' in ending;

/**
 * The connection stays in pipeline mode for the whole transaction: a statement is written as soon as
 * it is started, without waiting for the previous answer (callers still await each one, unless they
 * start several at once: inOneTrip). BEGIN leaves with the first statement, and the last statement with
 * the COMMIT, in one packet each. Each statement has its own Sync, so an error leaves the transaction
 * aborted and the statements after it (the COMMIT too) are refused, ending it as a ROLLBACK.
 */
async function pipelinedTransaction<T>(pool: pg.Pool, fn: (tx: Db) => Promise<SQL | LastTrip | null>): Promise<T[] | null> {
  const client = await pool.connect();
  let base = overClient.get(client);
  if (!base) {
    base = drizzlePg(client, { schema }) as unknown as Db;
    overClient.set(client, base);
  }
  // A new object per transaction, as Drizzle's own transactions are: what callers remember about a
  // transaction by its object (events.service's endpoints) does not outlive it.
  const tx = Object.create(base) as Db;
  let broken: Error | undefined;
  let open = false;
  (client as unknown as Pipelining).pipeline = true;
  try {
    holdWrites(client);
    const begun = client.query('BEGIN');
    open = true;
    // Both settle before anything else is sent: the connection is never left to a statement in flight.
    const [began, work] = await Promise.allSettled([begun, fn(tx)]);
    if (began.status === 'rejected') throw began.reason;
    if (work.status === 'rejected') throw work.reason;
    const ending = work.value;
    if (!ending) {
      await client.query('COMMIT');
      open = false;
      return null;
    }
    // The last statement (and the pieces that go with it), then the COMMIT, in one packet.
    const trip = isLastTrip(ending) ? ending : { with: [], last: ending };
    const q = dialect.sqlToQuery(trip.last);
    const last = () => client.query<T & Record<string, unknown>>({ text: q.sql, values: q.params });
    const commit = () => {
      open = false;
      const committing = client.query('COMMIT');
      (client as unknown as Pipelining).committed = true; // nothing more may be sent in this transaction
      return committing.catch((e: Error) => {
        broken = e; // the connection's state is unknown: it is not reused
        throw e;
      });
    };
    const done = await inOneTrip<unknown[]>(tx, ...trip.with, last, commit);
    return (done[trip.with.length] as pg.QueryResult).rows as T[];
  } catch (err) {
    if (open) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    (client as unknown as Pipelining).pipeline = false;
    (client as unknown as Pipelining).committed = false;
    client.release(broken);
  }
}

/** Builds a Drizzle SQL object from text with $n placeholders, so raw SQL can run inside a Drizzle transaction. */
export function rawSql(text: string, values: unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    const v = values[Number(part) - 1];
    // Plain objects go as JSON text (Drizzle would read an object as a column selection).
    const value =
      v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v) && !Buffer.isBuffer(v) ? JSON.stringify(v) : v;
    chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${sql.param(value)}`);
  });
  return sql.join(chunks, sql.raw(''));
}

/** An executor over a Drizzle database or transaction (used to enqueue jobs inside a transaction). */
export function executorFor(db: Db): SqlExecutor {
  return {
    executeSql: async (text, values = []) => {
      return { rows: await queryRows(db, rawSql(text, values)) };
    },
  };
}

/** Writes a migrated in-memory database as a data-folder archive, for `pgliteTemplate`. */
export async function dumpPglite(database: Database): Promise<Buffer> {
  const blob = await database.pglite!.dumpDataDir('none');
  return Buffer.from(await blob.arrayBuffer());
}
