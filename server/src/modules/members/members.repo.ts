import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { queryRows } from '../../lib/sql.js';
import { type GroupScope, invitationInScope, memberInScope } from '../../http/group-scope.js';
import { fieldsJsonSql } from '../profile-fields/fields.service.js';

export const MEMBER_STATUSES = ['prospect', 'pending', 'active', 'declined', 'cancelled', 'expired', 'archived'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export type MemberFilters = {
  orgId: string;
  status?: MemberStatus;
  role?: string[];
  groupId?: string;
  q?: string;
  now: Date;
  scope?: GroupScope;
  /** issue 15: a predicate on one profile field over `m`/`a` (members only: invitees have no fields). */
  fieldFilter?: SQL;
};

export type MemberRow = {
  id: string;
  accountId: string | null;
  invitationId: string | null;
  email: string;
  name: string | null;
  role: string;
  status: MemberStatus;
  source: string;
  createdAt: string;
  lastLoginAt: string | null;
  fields: Record<string, string | number | boolean | string[] | null> | null;
};

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const and = (parts: (SQL | undefined)[]) => sql.join(parts.filter(Boolean) as SQL[], sql` AND `);

/** The invitation's status as people see it: a prospect or pending invitation past its expiry is expired. */
const invitationStatus = (now: string) =>
  sql`CASE WHEN i.status IN ('prospect','pending') AND i.expires_at <= ${now}::timestamptz THEN 'expired' ELSE i.status END`;

function memberWhere(f: MemberFilters, status?: MemberStatus): SQL {
  return and([
    sql`m.org_id = ${f.orgId}`,
    f.scope ? memberInScope(f.scope, sql`m.account_id`) : undefined,
    status ? sql`m.status = ${status}` : undefined,
    f.role?.length ? sql`m.role = ANY(string_to_array(${f.role.join(',')}, ','))` : undefined,
    f.groupId
      ? sql`EXISTS (SELECT 1 FROM group_members gm WHERE gm.org_id = m.org_id AND gm.group_id = ${f.groupId} AND gm.account_id = m.account_id)`
      : undefined,
    f.q ? sql`(a.email ILIKE ${like(f.q)} OR a.name ILIKE ${like(f.q)})` : undefined,
    f.fieldFilter,
  ]);
}

function invitationWhere(f: MemberFilters, status?: MemberStatus): SQL {
  const now = f.now.toISOString();
  return and([
    sql`i.org_id = ${f.orgId} AND i.is_current AND i.status <> 'active'`,
    f.scope ? invitationInScope(f.scope, sql`i.group_ids`) : undefined,
    status === 'expired'
      ? sql`(i.status = 'expired' OR (i.status IN ('prospect','pending') AND i.expires_at <= ${now}::timestamptz))`
      : undefined,
    status && status !== 'expired' ? sql`i.status = ${status}` : undefined,
    status === 'prospect' || status === 'pending' ? sql`(i.expires_at IS NULL OR i.expires_at > ${now}::timestamptz)` : undefined,
    f.role?.length ? sql`i.role = ANY(string_to_array(${f.role.join(',')}, ','))` : undefined,
    f.groupId ? sql`${f.groupId}::uuid = ANY(i.group_ids)` : undefined,
    f.q ? sql`i.email ILIKE ${like(f.q)}` : undefined,
  ]);
}

const onMemberSide = (s?: MemberStatus) => !s || s === 'active' || s === 'archived';
const onInvitationSide = (s?: MemberStatus, f?: MemberFilters) => !f?.fieldFilter && (!s || (s !== 'active' && s !== 'archived'));

/** One page of the people known to an organization: members, and invitees who have not accepted (email only). */
export async function listMembers(db: Db, f: MemberFilters & { limit: number; cursor?: string }) {
  const c = decodeCursor(f.cursor, 2) as [string, string] | null;
  const n = f.limit + 1;
  const parts: SQL[] = [];
  if (onMemberSide(f.status)) {
    parts.push(sql`(SELECT m.account_id AS id, m.account_id AS "accountId", NULL::uuid AS "invitationId", a.email, a.name, m.role, m.status, m.source,
        m.created_at AS "createdAt", a.last_login_at AS "lastLoginAt", ${fieldsJsonSql(f.orgId, sql`m.account_id`)} AS fields
      FROM memberships m JOIN accounts a ON a.id = m.account_id
      WHERE ${memberWhere(f, f.status)} ${c ? sql`AND (m.created_at, m.account_id) < (${c[0]}::timestamptz, ${c[1]}::uuid)` : sql``}
      ORDER BY m.created_at DESC, m.account_id DESC LIMIT ${n})`);
  }
  if (onInvitationSide(f.status, f)) {
    parts.push(sql`(SELECT i.id, NULL::uuid AS "accountId", i.id AS "invitationId", i.email, NULL::text AS name, i.role,
        ${invitationStatus(f.now.toISOString())} AS status, i.kind AS source, i.created_at AS "createdAt", NULL::timestamptz AS "lastLoginAt", NULL::jsonb AS fields
      FROM invitations i
      WHERE ${invitationWhere(f, f.status)} ${c ? sql`AND (i.created_at, i.id) < (${c[0]}::timestamptz, ${c[1]}::uuid)` : sql``}
      ORDER BY i.created_at DESC, i.id DESC LIMIT ${n})`);
  }
  const rows = await queryRows<MemberRow>(
    db,
    sql`SELECT * FROM (${sql.join(parts, sql` UNION ALL `)}) u ORDER BY "createdAt" DESC, id DESC LIMIT ${n}`,
  );
  return toPage(rows, f.limit, (r) => [r.createdAt, r.id]);
}

/** How many people of each status match the filters (for the status tabs). */
export async function countMembers(db: Db, f: MemberFilters): Promise<Record<MemberStatus, number>> {
  const rows = await queryRows<{ status: MemberStatus; n: number }>(
    db,
    // The accounts are read only to search their names and addresses: without `q` the counts come from memberships alone.
    sql`SELECT m.status, count(*)::int AS n FROM memberships m ${f.q || f.fieldFilter ? sql`JOIN accounts a ON a.id = m.account_id` : sql``} WHERE ${memberWhere(f)} GROUP BY m.status
        ${
          f.fieldFilter
            ? sql``
            : sql`UNION ALL
        SELECT ${invitationStatus(f.now.toISOString())} AS status, count(*)::int AS n FROM invitations i WHERE ${invitationWhere(f)} GROUP BY 1`
        }`,
  );
  const counts = Object.fromEntries(MEMBER_STATUSES.map((s) => [s, 0])) as Record<MemberStatus, number>;
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + Number(r.n);
  return counts;
}
