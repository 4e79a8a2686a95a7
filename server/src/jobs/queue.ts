import PgBoss from 'pg-boss';
import type { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Database, Db, SqlExecutor } from '../db/client.js';
import { executorFor } from '../db/client.js';

/** A job: a name, a payload of ids only, and a handler that can run twice safely. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every payload type; each handler is typed by its own schema
export type JobDefinition<S extends z.ZodType = z.ZodType<any>> = {
  name: string;
  schema: S;
  handler: (ctx: AppContext, data: z.infer<S>) => Promise<void>;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Run several jobs of this queue at once in one worker (default 1). */
  concurrency?: number;
  /** How long a run may take before pg-boss considers its worker dead and retries it. */
  expireInSeconds?: number;
  /** Run on a schedule (cron, UTC), once across all processes. */
  cron?: string;
};

export type SendOptions = { tx?: Db; startAfter?: Date; singletonKey?: string };

export type JobQueue = {
  register(defs: JobDefinition[]): void;
  start(): Promise<void>;
  /** Starts polling workers for every registered queue. */
  work(ctx: AppContext): Promise<void>;
  stop(): Promise<void>;
  /** Enqueues a job; pass `tx` to enqueue inside the caller's transaction (sent only if it commits). */
  send(name: string, data: object, opts?: SendOptions): Promise<string | null>;
  /** Enqueues many jobs of one queue at once. */
  sendMany(name: string, items: object[], opts?: { tx?: Db; startAfter?: Date }): Promise<void>;
  /** Runs every job that is due now, until none is left (tests and the CLI). Returns how many ran. */
  drain(ctx: AppContext, opts?: { names?: string[]; max?: number }): Promise<number>;
  boss: PgBoss;
};

/** An executor over PGlite's single connection: calls go one at a time, and a failed call does not block the next. */
function pgliteExecutor(database: Database): SqlExecutor {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    executeSql(text, values = []) {
      const run = async () => {
        if (values.length === 0 && text.includes(';')) {
          const results = await database.pglite!.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        return database.pglite!.query(text, values);
      };
      const next = chain.then(run, run);
      chain = next.catch(() => {});
      return next;
    },
  };
}

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
  } as const;
  const boss =
    database.kind === 'pg'
      ? new PgBoss({ ...base, connectionString: opts.databaseUrl, max: 4 })
      : new PgBoss({ ...base, db: pgliteExecutor(database) });
  boss.on('error', () => {}); // maintenance errors are retried by pg-boss itself
  const defs = new Map<string, JobDefinition>();

  const runOne = async (ctx: AppContext, def: JobDefinition, job: { id: string; data: unknown }) => {
    const data = def.schema.parse(job.data);
    await def.handler(ctx, data);
  };

  return {
    boss,
    register(list) {
      for (const d of list) defs.set(d.name, d);
    },
    async start() {
      await boss.start();
      for (const d of defs.values()) {
        await retryStartRace(() =>
          boss.createQueue(d.name, {
            name: d.name,
            retryLimit: d.retryLimit ?? opts.retryLimit,
            retryDelay: d.retryDelaySeconds ?? opts.retryDelaySeconds,
            retryBackoff: true,
            ...(d.expireInSeconds ? { expireInSeconds: d.expireInSeconds } : {}),
          }),
        );
        if (d.cron) await boss.schedule(d.name, d.cron, {});
      }
    },
    async work(ctx) {
      for (const d of defs.values()) {
        const workers = d.concurrency ?? 1;
        for (let i = 0; i < workers; i++) {
          await boss.work(d.name, { pollingIntervalSeconds: opts.pollingIntervalSeconds, batchSize: 1 }, async ([job]) => {
            if (!job) return; // batchSize 1: pg-boss hands one job at a time
            try {
              await runOne(ctx, d, job);
            } catch (err) {
              ctx.log.warn({ err, job: d.name, id: job.id }, 'job failed; it will be retried');
              throw err;
            }
          });
        }
      }
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
    async send(name, data, o = {}) {
      return boss.send(name, data, {
        db: o.tx ? executorFor(o.tx) : undefined,
        startAfter: o.startAfter,
        singletonKey: o.singletonKey,
      } as PgBoss.SendOptions);
    },
    async sendMany(name, items, o = {}) {
      for (let i = 0; i < items.length; i += 1000) {
        const slice = items.slice(i, i + 1000).map((data) => ({ data, startAfter: o.startAfter }));
        await boss.insert(
          // biome-ignore lint/suspicious/noExplicitAny: pg-boss 10 types neither a job's name in insert() nor its db option, which it honours
          slice.map((j) => ({ name, data: j.data, startAfter: j.startAfter })) as any,
          // biome-ignore lint/suspicious/noExplicitAny: as above
          { db: o.tx ? executorFor(o.tx) : undefined } as any,
        );
      }
    },
    async drain(ctx, o = {}) {
      let ran = 0;
      const names = o.names ?? [...defs.keys()];
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
              await runOne(ctx, def, job);
              await boss.complete(name, job.id);
            } catch (err) {
              await boss.fail(name, job.id, { message: (err as Error).message });
            }
          }
        }
        if (!any || (o.max && ran >= o.max)) break;
      }
      return ran;
    },
  };
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
