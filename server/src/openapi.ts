import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { AppContext } from './context.js';
import { createMailer } from './mail/transport.js';

/** Stands in for what only a request would use: building the routes never touches it. */
function unavailable(name: string): never {
  return new Proxy(
    {},
    {
      get(_target, key) {
        throw new Error(`${name}.${String(key)} is not available while the OpenAPI document is built.`);
      },
    },
  ) as never;
}

/**
 * The OpenAPI document the server publishes at /api/openapi.json, built without a database or a
 * listening server, so the web app's API types can be generated anywhere (`npm run gen:api`).
 * It uses the default configuration (development mailbox included), as `npm start` serves it.
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'troupe-openapi-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'x'.repeat(32) });
    const ctx: AppContext = {
      config,
      database: unavailable('database'),
      db: unavailable('db'),
      jobs: unavailable('jobs'),
      storage: unavailable('storage'),
      mailer: createMailer(undefined),
      clock: unavailable('clock'),
      log: unavailable('log'),
    };
    const app = await buildApp(ctx, { logger: false });
    await app.ready();
    const doc = app.swagger() as unknown as Record<string, unknown>;
    await app.close();
    return doc;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// `tsx src/openapi.ts` prints the document (used by `npm run gen:api` at the repository root).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const doc = await buildOpenApiDocument();
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
