import { sql } from 'drizzle-orm';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import type { TestApp } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';

// Shared by the profile-field and rule tests: an organization with fields and members whose values differ.

export type Org = Awaited<ReturnType<typeof orgWithOwner>>;

export async function field(o: Org, key: string, type: string, options?: string[]) {
  return expectStatus(
    await o.owner.agent.post(`${o.base}/profile-fields`, { key, label: { en: key, fr: `${key} (fr)` }, type, options }),
    201,
  ).data as { id: string };
}
export const setFields = async (o: Org, accountId: string, fields: Record<string, unknown>) =>
  expectStatus(await o.owner.agent.patch(`${o.base}/members/${accountId}`, { fields }), 200);
export const membersOf = async (t: TestApp, groupId: string) =>
  (
    await queryRows<{ account_id: string }>(
      t.ctx.db,
      sql`SELECT account_id FROM group_members WHERE group_id = ${groupId} ORDER BY account_id`,
    )
  ).map((r) => r.account_id);
export const sorted = (ids: string[]) => [...ids].sort();
export const preview = async (o: Org, groupId: string, body: Record<string, unknown>) =>
  expectStatus(await o.owner.agent.post(`${o.base}/groups/${groupId}/rule/preview`, body), 200).data as {
    add: number;
    remove: number;
    matchesEveryone: boolean;
    sampleAdd: { accountId: string }[];
  };

/** An organization with five members and fields department (choice), city (text), start (date), level (number), skills (multi). */
export async function populated(t: TestApp) {
  const o = await orgWithOwner(t);
  await field(o, 'department', 'choice', ['Sales', 'Support', 'Engineering']);
  await field(o, 'city', 'text');
  await field(o, 'start', 'date');
  await field(o, 'level', 'number');
  await field(o, 'skills', 'multi_choice', ['French', 'German', 'Excel']);
  await field(o, 'remote', 'boolean');
  const ids = await seedMembers(t, o.org.id, 5);
  const [a, b, c, d, e] = ids;
  await setFields(o, a, { department: 'Sales', city: 'Lyon', start: '2026-01-10', level: 3, skills: ['French'], remote: true });
  await setFields(o, b, {
    department: 'sales',
    city: 'Lyon 2e',
    start: '2027-03-01',
    level: 5,
    skills: ['German', 'Excel'],
    remote: false,
  });
  await setFields(o, c, { department: 'Support', city: 'Paris', start: '2025-06-30', level: 1 });
  await setFields(o, d, { department: 'Engineering', city: 'Villeurbanne' });
  await t.ctx.db.execute(sql`UPDATE accounts SET email_key = 'x' || id || '@acme.com' WHERE id = ANY(${`{${a},${d}}`}::uuid[])`);
  return { o, ids, a, b, c, d, e };
}
