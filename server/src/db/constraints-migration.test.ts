import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, expect, it } from 'vitest';

// 0010 adds a unique index on open invitations: on a database written before it, where concurrent
// requests left duplicates (and open invitations whose time ran out beside their successors), the
// migration must still apply, keeping the oldest open one and cancelling the newer ones.

const dir = path.join(import.meta.dirname, 'migrations');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.sql'))
  .sort();
const db = new PGlite();
afterAll(() => db.close());

it('applies 0010 over duplicate open invitations: the oldest stays open, newer ones are cancelled', async () => {
  for (const f of files.filter((f) => f < '0010')) await db.exec(readFileSync(path.join(dir, f), 'utf8'));
  await db.exec(`
    INSERT INTO organizations (id, name, slug) VALUES ('00000000-0000-4000-8000-000000000001', 'Org', 'org');
    INSERT INTO invitations (org_id, kind, email, email_key, status, created_at, expires_at) VALUES
      ('00000000-0000-4000-8000-000000000001', 'email', 'a@example.com', 'a@example.com', 'pending', now() - interval '3 hours', NULL),
      ('00000000-0000-4000-8000-000000000001', 'email', 'a@example.com', 'a@example.com', 'prospect', now() - interval '2 hours', NULL),
      ('00000000-0000-4000-8000-000000000001', 'email', 'b@example.com', 'b@example.com', 'pending', now() - interval '3 days', now() - interval '1 day'),
      ('00000000-0000-4000-8000-000000000001', 'email', 'b@example.com', 'b@example.com', 'prospect', now() - interval '1 hour', NULL),
      ('00000000-0000-4000-8000-000000000001', 'email', 'c@example.com', 'c@example.com', 'declined', now() - interval '3 hours', NULL),
      ('00000000-0000-4000-8000-000000000001', 'email', 'c@example.com', 'c@example.com', 'pending', now() - interval '1 hours', NULL);`);
  await db.exec(readFileSync(path.join(dir, files.find((f) => f.startsWith('0010')) as string), 'utf8'));
  const { rows } = await db.query<{ email: string; status: string }>(`SELECT email, status FROM invitations ORDER BY email, created_at`);
  expect(rows).toEqual([
    { email: 'a@example.com', status: 'pending' },
    { email: 'a@example.com', status: 'cancelled' },
    { email: 'b@example.com', status: 'expired' },
    { email: 'b@example.com', status: 'prospect' },
    { email: 'c@example.com', status: 'declined' },
    { email: 'c@example.com', status: 'pending' },
  ]);
  // From now on the database itself refuses a second open invitation, and a status outside the list.
  await expect(
    db.query(
      `INSERT INTO invitations (org_id, kind, email, email_key, status) VALUES ('00000000-0000-4000-8000-000000000001', 'email', 'c@example.com', 'c@example.com', 'prospect')`,
    ),
  ).rejects.toThrow(/invitations_open_address_idx/);
  await expect(
    db.query(
      `INSERT INTO invitations (org_id, kind, email, email_key, status) VALUES ('00000000-0000-4000-8000-000000000001', 'email', 'd@example.com', 'd@example.com', 'sent')`,
    ),
  ).rejects.toThrow(/invitations_status_check/);
});
