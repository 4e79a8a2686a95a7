import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { JobQueue } from './jobs/queue.js';
import type { Clock } from './lib/clock.js';
import type { Storage } from './lib/storage.js';
import type { Mailer } from './mail/transport.js';

/** Everything a service needs from the outside world, built once at start. */
export type AppContext = {
  config: Config;
  database: Database;
  db: Db;
  jobs: JobQueue;
  mailer: Mailer;
  storage: Storage;
  clock: Clock;
  log: FastifyBaseLogger;
};
