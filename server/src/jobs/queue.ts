import PgBoss from 'pg-boss';
import pg from 'pg';
import type { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Database, Db } from '../db/client.js';
import { executorFor } from '../db/client.js';
import { pgliteExecutor } from './pglite-executor.js';
import { startWorkLoop, type WorkLoop } from './work-loop.js';

/** What a running job is told: its id, and a signal raised when the process stops (hand the rest back). */
export type JobRun = { id: string; signal: AbortSignal };

/** A job: a name, a payload of ids only, and a handler that can run twice safely. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every payload type; each handler is typed by its own schema
export type JobDefinition<S extends z.ZodType = z.ZodType<any>> = {
  name: string;
  schema: S;
  handler: (ctx: AppContext, data: z.infer<S>, run: JobRun) => Promise<void>;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Jobs of this queue run at once in one worker (fetched together, one round trip; default 1). */
  concurrency?: number;
  /** Run on a schedule (cron, UTC), once across all processes. */
  cron?: string;
};

export type SendOptions = { tx?: Db; startAfter?: Date };

export type JobQueue = {
  register(defs: JobDefinition[]): void;
  start(): Promise<void>;
  /** Starts the workers of every registered queue. */
  work(ctx: AppContext): Promise<void>;
  /** Stops fetching; running jobs get `timeoutMs` to finish, then are handed back to the queue at once. */
  stop(o?: { timeoutMs?: number }): Promise<void>;
  /** Enqueues a job; pass `tx` to enqueue inside the caller's transaction (sent only if it commits). */
  send(name: string, data: object, opts?: SendOptions): Promise<string | null>;
  /** Enqueues many jobs of one queue at once. */
  sendMany(name: string, items: object[], opts?: { tx?: Db; startAfter?: Date }): Promise<void>;
  /** Runs every job that is due now, until none is left (tests and the CLI). Returns how many ran. */
  drain(ctx: AppContext, opts?: { names?: string[]; max?: number }): Promise<number>;
  boss: PgBoss;
};

/**
 * Recovery: pg-boss 10 has no heartbeat, only an expiry after which maintenance hands an `active` job
 * to another worker. On PostgreSQL every job gets a short lease (LEASE_SECONDS) that its worker renews
 * every RENEW_SECONDS while the handler runs (`started_on = now()`), and maintenance runs every
 * MAINTENANCE_SECONDS: a job whose worker died is retried within lease + maintenance + retry delay
 * (about 15–25 s), however long a live run takes. PGlite is one process: nobody else could take over.
 */
const LEASE_SECONDS = 12;
const RENEW_SECONDS = 3;
const MAINTENANCE_SECONDS = 4;
const PGLITE_LEASE_SECONDS = 15 * 60;
/** Jobs inserted in a transaction wake the workers of every process when it commits. */
const CHANNEL = 'troupe_jobs';

/** The job queue in our own database (pg-boss), on PostgreSQL or the embedded PGlite. */
export function createJobQueue(
  database: Database,
  opts: { databaseUrl?: string; retryDelaySeconds: number; retryLimit: number; pollingIntervalSeconds: number; schema: string },
): JobQueue {
  const base = {
    schema: opts.schema,
    supervise: true,
    schedule: true,
    migrate: true,
    retryLimit: opts.retryLimit,
    retryDelay: opts.retryDelaySeconds,
    retryBackoff: true,
    maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
  } as const;
  const isPg = database.kind === 'pg';
  const boss = isPg
    ? new PgBoss({ ...base, connectionString: opts.databaseUrl, max: 4 })
    : new PgBoss({ ...base, db: pgliteExecutor(database) });
  boss.on('error', () => {}); // maintenance errors are retried by pg-boss itself
  const defs = new Map<string, JobDefinition>();
  const loops: WorkLoop[] = [];
  let listener: pg.Client | null = null;
  let stopping: Promise<void> | null = null;
  let draining: Promise<unknown> = Promise.resolve();
  const wake = (name: string) => {
    for (const l of loops) if (l.name === name) l.wake();
  };
  const notify = async (name: string, tx?: Db) => {
    if (tx && isPg) await executorFor(tx).executeSql('SELECT pg_notify($1, $2)', [CHANNEL, name]);
    else if (isPg) await database.query('SELECT pg_notify($1, $2)', [CHANNEL, name]);
    // PGlite: this process is the only worker; the job is visible once the caller's transaction commits.
    else setTimeout(() => wake(name), tx ? 20 : 0);
  };
  const renew = (name: string, ids: string[]) =>
    database.query(`UPDATE ${opts.schema}.job SET started_on = now() WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`, [
      name,
      ids,
    ]);
  const handBack = (name: string, ids: string[]) =>
    database.query(
      `UPDATE ${opts.schema}.job SET state = 'retry', start_after = now() WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
      [name, ids],
    );

  return {
    boss,
    register(list) {
      for (const d of list) defs.set(d.name, d);
    },
    async start() {
      await boss.start();
      for (const d of defs.values()) {
        // Policy `standard` on purpose: no job relies on singleton keys; handlers claim their work in the database.
        const queue = {
          name: d.name,
          policy: 'standard' as const,
          retryLimit: d.retryLimit ?? opts.retryLimit,
          retryDelay: d.retryDelaySeconds ?? opts.retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds: isPg ? LEASE_SECONDS : PGLITE_LEASE_SECONDS,
        };
        await retryStartRace(() => boss.createQueue(d.name, queue));
        await retryStartRace(() => boss.updateQueue(d.name, queue));
        if (d.cron) await boss.schedule(d.name, d.cron, {});
      }
    },
    async work(ctx) {
      if (isPg && opts.databaseUrl) {
        listener = new pg.Client({ connectionString: opts.databaseUrl });
        listener.on('error', () => {});
        listener.on('notification', (n) => n.payload && wake(n.payload));
        await listener.connect();
        await listener.query(`LISTEN ${CHANNEL}`);
      }
      for (const d of defs.values()) {
        loops.push(
          startWorkLoop({
            name: d.name,
            batchSize: d.concurrency ?? 1,
            idleMs: opts.pollingIntervalSeconds * 1000,
            renewMs: isPg ? RENEW_SECONDS * 1000 : 0,
            fetch: (n) => boss.fetch(d.name, { batchSize: n }) as Promise<{ id: string; data: unknown }[] | null>,
            run: (job, signal) => d.handler(ctx, d.schema.parse(job.data), { id: job.id, signal }),
            complete: (id) => boss.complete(d.name, id).then(() => {}),
            fail: (id, err) => {
              ctx.log.warn({ err, job: d.name, id }, 'job failed; it will be retried');
              return boss.fail(d.name, id, { message: err.message }).then(() => {});
            },
            renew: (ids) => renew(d.name, ids).then(() => {}),
            handBack: (ids) => handBack(d.name, ids).then(() => {}),
          }),
        );
      }
    },
    stop(o = {}) {
      stopping ??= (async () => {
        await Promise.all(loops.map((l) => l.stop(o.timeoutMs ?? 10_000)));
        loops.length = 0;
        await listener?.end().catch(() => {});
        listener = null;
        await boss.stop({ graceful: false, wait: true, timeout: 1000 });
      })();
      return stopping;
    },
    async send(name, data, o = {}) {
      const id = await boss.send(name, data, { db: o.tx ? executorFor(o.tx) : undefined, startAfter: o.startAfter } as PgBoss.SendOptions);
      if (!o.startAfter) await notify(name, o.tx);
      return id;
    },
    async sendMany(name, items, o = {}) {
      for (let i = 0; i < items.length; i += 1000) {
        const slice = items.slice(i, i + 1000).map((data) => ({ name, data, startAfter: o.startAfter }));
        await boss.insert(slice as PgBoss.JobInsert[], { db: o.tx ? executorFor(o.tx) : undefined } as PgBoss.InsertOptions);
      }
      if (!o.startAfter && items.length) await notify(name, o.tx);
    },
    drain(ctx, o = {}) {
      // Drains run one after another: a drain that found nothing while another held the jobs
      // would return before those jobs were done.
      const run = draining.then(() => drainOnce(ctx, o));
      draining = run.catch(() => {});
      return run;
    },
  };

  async function drainOnce(ctx: AppContext, o: { names?: string[]; max?: number }) {
    let ran = 0;
    const names = o.names ?? [...defs.keys()];
    const signal = new AbortController().signal;
    for (let round = 0; round < 1000; round++) {
      let any = false;
      for (const name of names) {
        const def = defs.get(name);
        if (!def) continue;
        const jobs = await boss.fetch(name, { batchSize: 50 });
        for (const job of jobs ?? []) {
          any = true;
          ran++;
          try {
            await def.handler(ctx, def.schema.parse(job.data), { id: job.id, signal });
            await boss.complete(name, job.id);
          } catch (err) {
            await boss.fail(name, job.id, { message: (err as Error).message });
          }
        }
      }
      if (!any || (o.max && ran >= o.max)) break;
    }
    return ran;
  }
}

/**
 * Several processes starting at once on a fresh database create the same queues at the same time,
 * and pg-boss 10's create_queue can deadlock there (40P01) or collide (23505): the loser tries again
 * (creating a queue that exists does nothing), instead of the process dying at start.
 */
export async function retryStartRace<T>(fn: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || (code !== '40P01' && code !== '23505')) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * i));
    }
  }
}
