import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './client.js';

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');
const LOCK_ID = 724_411; // advisory lock so several processes starting at once migrate once

/** The migration files this code expects, in order. */
export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

/** The migrations this code expects that the database has not applied (throws when the database does not answer). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const { rows: found } = await database.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  const rows = found[0]?.t ? (await database.query<{ name: string }>('SELECT name FROM schema_migrations')).rows : [];
  const done = new Set(rows.map((r) => r.name));
  return migrationFiles().filter((f) => !done.has(f));
}

/** Applies the ordered SQL files in db/migrations that this database has not seen yet. */
export async function migrate(database: Database): Promise<string[]> {
  const files = migrationFiles();
  const applied: string[] = [];
  const run = async (
    q: (text: string, values?: unknown[]) => Promise<{ rows: { name: string }[] }>,
    exec: (t: string) => Promise<unknown>,
  ) => {
    await exec(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await q('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const text = readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
      try {
        await exec(`BEGIN;\n${text}\n;INSERT INTO schema_migrations (name) VALUES ('${file.replace(/'/g, "''")}');\nCOMMIT;`);
      } catch (err) {
        await exec('ROLLBACK').catch(() => {});
        throw new Error(`Migration ${file} failed: ${(err as Error).message}`);
      }
      applied.push(file);
    }
  };
  if (database.kind === 'pg' && database.pool) {
    const client = await database.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
      try {
        await run(
          (t, v) => client.query<{ name: string }>(t, v),
          (t) => client.query(t),
        );
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
      }
    } finally {
      client.release();
    }
  } else {
    await run(database.query, database.exec);
  }
  return applied;
}
