import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { closeContext, createContext } from './runtime.js';

/** In-flight requests and running jobs get this long to finish on SIGTERM; jobs still running are then handed back. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Starts Troupe: migrations, then the web server and/or the job workers (ROLE=all|web|worker). */
async function main(): Promise<void> {
  const config = loadConfig();
  const ctx = await createContext(config);
  if (config.role !== 'web') await ctx.jobs.work(ctx);
  let closeHttp = async () => {};
  if (config.role !== 'worker') {
    const app = await buildApp(ctx);
    await app.listen({ port: config.port, host: config.host });
    const where = config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL in ${config.pgliteDir}`;
    const mail = ctx.mailer.kind === 'mailbox' ? `development mailbox at ${config.appUrl}/dev/mailbox` : 'SMTP';
    ctx.log.info(`Troupe is ready at ${config.appUrl} (database: ${where}; mail: ${mail})`);
    // Stops accepting connections and waits for in-flight requests, for a bounded time.
    closeHttp = async () => {
      const timer = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await app.close();
      clearTimeout(timer);
    };
  } else {
    ctx.log.info('Troupe worker started');
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info({ signal }, 'Troupe is stopping');
    // Last resort: never hang (a stuck connection or statement) — the jobs were handed back already.
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS * 3).unref();
    try {
      // Running jobs stop taking work at once; what cannot finish in time goes back to the queue.
      await Promise.all([closeHttp(), ctx.jobs.stop({ timeoutMs: SHUTDOWN_GRACE_MS })]);
      // The jobs are finished or handed back: closing the pools may not wait on a statement still in
      // flight (the database rolls it back when the connection drops), so it gets a few seconds.
      await Promise.race([closeContext(ctx), new Promise((r) => setTimeout(r, 5_000).unref())]);
      process.exit(0);
    } catch (err) {
      ctx.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
