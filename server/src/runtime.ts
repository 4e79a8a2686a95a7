import pino from 'pino';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { openDatabase } from './db/client.js';
import { loggerOptions } from './http/logging.js';
import { migrate } from './db/migrate.js';
import { createJobQueue } from './jobs/queue.js';
import { type Clock, systemClock } from './lib/clock.js';
import { diskStorage } from './lib/storage.js';
import { createMailer } from './mail/transport.js';
import { keepHeapNearLiveSize } from './heap.js';
import { registerFeatureJobs } from './modules/index.js';

/** Opens the database, applies migrations and prepares the job queue: everything but HTTP. */
export async function createContext(config: Config, o: { clock?: Clock; logger?: pino.Logger } = {}): Promise<AppContext> {
  keepHeapNearLiveSize();
  const log = o.logger ?? pino(loggerOptions(config.logLevel));
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: config.pgliteDir,
    pgliteTemplate: config.pgliteTemplate,
  });
  await migrate(database);
  const jobs = createJobQueue(database, { databaseUrl: config.databaseUrl, ...config.jobs });
  registerFeatureJobs(jobs);
  await jobs.start();
  return {
    config,
    database,
    db: database.db,
    jobs,
    mailer: createMailer(config.smtpUrl, config.mail),
    storage: diskStorage(config.dataDir + '/files'),
    clock: o.clock ?? systemClock,
    log: log as unknown as AppContext['log'],
  };
}

/** Stops workers, then closes the database. */
export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs.stop().catch(() => {});
  ctx.mailer.close();
  await ctx.database.close();
}
