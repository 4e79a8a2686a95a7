import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A new, empty PostgreSQL database on DATABASE_URL's server (for tests that need a schema of their own); `drop()` removes it. */
export async function createFreshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('createFreshDatabase needs DATABASE_URL');
  const name = `${new URL(base).pathname.slice(1)}_t${randomBytes(4).toString('hex')}`;
  const admin = async (text: string) => {
    const u = new URL(base);
    u.pathname = '/postgres';
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
