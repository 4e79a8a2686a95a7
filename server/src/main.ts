import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { closeContext, createContext } from './runtime.js';

/** Starts Troupe: migrations, then the web server and/or the job workers (ROLE=all|web|worker). */
async function main(): Promise<void> {
  const config = loadConfig();
  const ctx = await createContext(config);
  if (config.role !== 'web') await ctx.jobs.work(ctx);
  let close = async () => {};
  if (config.role !== 'worker') {
    const app = await buildApp(ctx);
    await app.listen({ port: config.port, host: config.host });
    const where = config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL in ${config.pgliteDir}`;
    const mail = ctx.mailer.kind === 'mailbox' ? `development mailbox at ${config.appUrl}/dev/mailbox` : 'SMTP';
    ctx.log.info(`Troupe is ready at ${config.appUrl} (database: ${where}; mail: ${mail})`);
    close = () => app.close();
  } else {
    ctx.log.info('Troupe worker started');
  }
  const stop = async () => {
    await close();
    await closeContext(ctx);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
