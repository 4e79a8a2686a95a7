import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Agent } from './agent.js';
import { addMember, createOrg } from './factories.js';
import { queryRows } from '../src/lib/sql.js';
import { type TestApp, uid } from './harness.js';

// Factories for groups, programs, sessions and enrolments: each test builds its own organization.

type Res = Awaited<ReturnType<Agent['get']>>;

/** Fails with the response body when the status is not the expected one. */
export function expectStatus(res: Res, status: number): Res {
  if (res.statusCode !== status) expect.fail(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res;
}

/** A fresh organization, its owner's agent, and short helpers bound to it. */
export async function orgWithOwner(t: TestApp) {
  const { owner, org } = await createOrg(t);
  const base = `/api/v1/orgs/${org.id}`;
  const a = owner.agent;
  return {
    org,
    owner,
    base,
    async group(name: string, o: { parentId?: string; description?: string; welcomeMessage?: string } = {}) {
      return expectStatus(await a.post(`${base}/groups`, { name, ...o }), 201).data as {
        id: string;
        name: string;
        parentId: string | null;
      };
    },
    async program(title = `Program ${uid()}`, o: { referentId?: string } = {}) {
      return expectStatus(await a.post(`${base}/programs`, { title, ...o }), 201).data as { id: string; title: string };
    },
    /** A session opening `opensInMs` from the app clock (negative: already open), closing after `lengthMs` (null: never). */
    async session(programId: string, opensInMs = -3_600_000, lengthMs: number | null = 30 * 86_400_000) {
      const opens = t.clock.now().getTime() + opensInMs;
      const body = {
        opensAt: new Date(opens).toISOString(),
        closesAt: lengthMs === null ? null : new Date(opens + lengthMs).toISOString(),
      };
      return expectStatus(await a.post(`${base}/programs/${programId}/sessions`, body), 201).data as { id: string; status: string };
    },
    async attach(groupId: string, sessionId: string) {
      return expectStatus(await a.post(`${base}/groups/${groupId}/assignments`, { sessionId }), 201).data as { enrolled: number };
    },
    async addToGroup(groupId: string, accountIds: string[]) {
      return expectStatus(await a.post(`${base}/groups/${groupId}/members`, { accountIds }), 200).data as { added: number };
    },
    async removeFromGroup(groupId: string, accountId: string) {
      return expectStatus(await a.delete(`${base}/groups/${groupId}/members/${accountId}`), 204);
    },
    /** A learner who can sign in (registered through the API). */
    learner: (role = 'learner') => addMember(t, org.id, role, { email: `learner-${uid()}@example.com` }),
    /** Enrolments of the organization straight from the database, as `accountId:sessionId` → percent. */
    async enrolments(): Promise<Map<string, number>> {
      const rows = await queryRows<{ account_id: string; session_id: string; percent: number }>(
        t.ctx.db,
        sql`SELECT account_id, session_id, percent FROM enrolments WHERE org_id = ${org.id}`,
      );
      return new Map(rows.map((r) => [`${r.account_id}:${r.session_id}`, Number(r.percent)]));
    },
  };
}

/** A fixed-length array type: `Tuple<string, 3>` is `[string, string, string]` (a plain array past 12 or when n is not a literal). */
export type Tuple<T, N extends number, R extends T[] = []> = number extends N
  ? T[]
  : R['length'] extends N
    ? R
    : R['length'] extends 12
      ? T[]
      : Tuple<T, N, [...R, T]>;

/** Inserts `n` accounts with active memberships straight in the database (fast; they cannot sign in). */
export async function seedMembers<N extends number>(t: TestApp, orgId: string, n: N, role = 'learner'): Promise<Tuple<string, N>> {
  const prefix = `seed-${uid()}`;
  const rows = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`
    WITH a AS (
      INSERT INTO accounts (email, email_key, name)
      SELECT ${prefix} || '-' || i || '@example.com', ${prefix} || '-' || i || '@example.com', 'Seeded ' || i FROM generate_series(1, ${n}::int) AS i
      RETURNING id
    ), m AS (INSERT INTO memberships (org_id, account_id, role, status) SELECT ${orgId}, id, ${role}, 'active' FROM a RETURNING account_id)
    SELECT account_id AS id FROM m`,
  );
  if (rows.length !== n) throw new Error(`seedMembers: expected ${n} members, got ${rows.length}`);
  return rows.map((r) => r.id) as Tuple<string, N>;
}

/** Sets a membership's status (e.g. `archived`) straight in the database: archiving belongs to the members module. */
export async function setMembershipStatus(t: TestApp, orgId: string, accountId: string, status: string) {
  await t.ctx.db.execute(sql`UPDATE memberships SET status = ${status} WHERE org_id = ${orgId} AND account_id = ${accountId}`);
}

/** The smallest valid PNG (1×1 pixel). */
export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** A JPEG header followed by filler: enough for type detection from the magic bytes. */
export const JPEG_BYTES = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(200)]);

/** A multipart/form-data body with one file part. */
export function multipart(field: string, filename: string, contentType: string, bytes: Buffer) {
  const boundary = `----troupe${uid()}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads a file through the agent (cookies and CSRF header included). */
export function upload(agent: Agent, url: string, file: ReturnType<typeof multipart>) {
  return agent.request('PUT', url, file.payload, file.headers);
}
