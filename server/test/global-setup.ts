import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { dumpPglite, openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/** Builds one migrated embedded database and keeps it as a template, so each test file starts from a copy. */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) return;
  const db = await openDatabase({ pgliteDir: 'memory://' });
  await migrate(db);
  const file = path.join(tmpdir(), `troupe-pglite-template-${process.pid}.tar`);
  writeFileSync(file, await dumpPglite(db));
  await db.close();
  project.provide('pgliteTemplate', file);
}
