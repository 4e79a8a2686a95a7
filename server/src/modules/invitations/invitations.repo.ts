import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invitationTokens, invitations } from '../../db/schema.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { hashToken, newToken } from '../../lib/tokens.js';
import { queryRows } from '../../lib/sql.js';
import { type GroupScope, invitationInScope } from '../../http/group-scope.js';

export type Invitation = typeof invitations.$inferSelect;
export const OPEN_STATUSES = ['prospect', 'pending'] as const;

/** The status people see: an open invitation past its expiry is `expired`. */
export function effectiveStatus(inv: Pick<Invitation, 'status' | 'expiresAt'>, now: Date): string {
  if ((inv.status === 'prospect' || inv.status === 'pending') && inv.expiresAt && new Date(inv.expiresAt) <= now) return 'expired';
  return inv.status;
}

/** Issues a fresh link token for each invitation (only hashes are stored) and retires older tokens. */
export async function issueTokens(tx: Db, invitationIds: string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  if (invitationIds.length === 0) return tokens;
  for (const id of invitationIds) tokens.set(id, newToken(32));
  await tx.execute(
    sql`UPDATE invitation_tokens SET replaced_at = now() WHERE replaced_at IS NULL AND invitation_id = ANY(string_to_array(${invitationIds.join(',')}, ',')::uuid[])`,
  );
  const rows = [...tokens].map(([invitationId, token]) => ({ invitationId, tokenHash: hashToken(token) }));
  for (let i = 0; i < rows.length; i += 2000) await tx.insert(invitationTokens).values(rows.slice(i, i + 2000));
  return tokens;
}

/** Finds the invitation behind a link, and whether the link was replaced by a newer one. */
export async function findByToken(db: Db, token: string, opts: { lock?: boolean } = {}) {
  const [row] = await queryRows<{ invitationId: string; replacedAt: string | null }>(
    db,
    sql`SELECT invitation_id AS "invitationId", replaced_at AS "replacedAt" FROM invitation_tokens WHERE token_hash = ${hashToken(token)}`,
  );
  if (!row) return null;
  const q = db.select().from(invitations).where(sql`${invitations.id} = ${row.invitationId}`);
  const [inv] = opts.lock ? await q.for('update') : await q;
  return inv ? { invitation: inv, replaced: row.replacedAt !== null } : null;
}

export type InvitationFilters = {
  orgId: string;
  status?: string;
  kind?: string;
  q?: string;
  now: Date;
  limit: number;
  cursor?: string;
  scope?: GroupScope;
  groupId?: string;
  includeSubgroups?: 'true' | 'false';
};

/** The condition of the group filter: the invitation leads to the group (or, with sub-groups, to one of its tree). */
function groupFilter(f: { orgId: string; groupId?: string; includeSubgroups?: 'true' | 'false' }): SQL {
  if (!f.groupId) return sql`true`;
  if (f.includeSubgroups !== 'true') return sql`group_ids @> ARRAY[${f.groupId}::uuid]`;
  return sql`group_ids && ARRAY(WITH RECURSIVE tree(id) AS (
      SELECT id FROM groups WHERE org_id = ${f.orgId} AND id = ${f.groupId}
      UNION
      SELECT g.id FROM groups g JOIN tree ON g.parent_id = tree.id WHERE g.org_id = ${f.orgId}
    ) SELECT id FROM tree)`;
}

const SPARSE_GROUP = 500;

/** Whether a group filter matches fewer than SPARSE_GROUP invitations (a capped count through the group index). */
async function isSparseGroup(db: Db, f: InvitationFilters): Promise<boolean> {
  if (!f.groupId) return false;
  const rows = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM invitations WHERE org_id = ${f.orgId} AND ${groupFilter(f)} LIMIT ${SPARSE_GROUP}) s`,
  );
  return Number(rows[0]?.n ?? 0) < SPARSE_GROUP;
}

/** Whether the group is one of the organization's. */
export async function groupExists(db: Db, orgId: string, groupId: string): Promise<boolean> {
  const rows = await queryRows<{ ok: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM groups WHERE org_id = ${orgId} AND id = ${groupId}) AS ok`,
  );
  return Boolean(rows[0]?.ok);
}

/** One page of an organization's invitations, newest first. */
export async function listInvitations(db: Db, f: InvitationFilters) {
  const c = decodeCursor(f.cursor, 2) as [string, string] | null;
  const now = f.now.toISOString();
  const conds: SQL[] = [sql`org_id = ${f.orgId}`, invitationInScope(f.scope ?? null, sql`group_ids`), groupFilter(f)];
  if (f.kind) conds.push(sql`kind = ${f.kind}`);
  if (f.q) conds.push(sql`email ILIKE ${`%${f.q.replace(/[\\%_]/g, (x) => `\\${x}`)}%`}`);
  if (f.status === 'expired')
    conds.push(sql`(status = 'expired' OR (status IN ('prospect','pending') AND expires_at <= ${now}::timestamptz))`);
  else if (f.status) conds.push(sql`status = ${f.status}`);
  if (f.status === 'prospect' || f.status === 'pending') conds.push(sql`(expires_at IS NULL OR expires_at > ${now}::timestamptz)`);
  if (c) conds.push(sql`(created_at, id) < (${c[0]}::timestamptz, ${c[1]}::uuid)`);
  const where = sql.join(conds, sql` AND `);
  // A group with few invitations in a large organization: walking the newest-first index would read
  // most of the organization's rows to find them, so its rows are found through the group index
  // (GIN on group_ids) and sorted. A group with many is read newest first as usual.
  const rows = (await isSparseGroup(db, f))
    ? await db
        .select()
        .from(invitations)
        .where(
          sql`id IN (WITH m AS MATERIALIZED (SELECT id, created_at FROM invitations WHERE ${where}) SELECT id FROM m ORDER BY created_at DESC, id DESC LIMIT ${f.limit + 1})`,
        )
        .orderBy(sql`created_at DESC, id DESC`)
    : await db
        .select()
        .from(invitations)
        .where(sql`${where}`)
        .orderBy(sql`created_at DESC, id DESC`)
        .limit(f.limit + 1);
  return toPage(rows, f.limit, (r) => [r.createdAt, r.id]);
}

/** How many invitations of each status match the filters (for the status tabs of the invitations page). */
export async function countInvitations(
  db: Db,
  f: { orgId: string; kind?: string; q?: string; now: Date; scope?: GroupScope; groupId?: string; includeSubgroups?: 'true' | 'false' },
) {
  const now = f.now.toISOString();
  const rows = await queryRows<{ status: string; n: number }>(
    db,
    sql`SELECT CASE WHEN status IN ('prospect','pending') AND expires_at <= ${now}::timestamptz THEN 'expired' ELSE status END AS status, count(*)::int AS n
        FROM invitations WHERE org_id = ${f.orgId} AND ${invitationInScope(f.scope ?? null, sql`group_ids`)} AND ${groupFilter(f)}
          ${f.kind ? sql`AND kind = ${f.kind}` : sql``}
          ${f.q ? sql`AND email ILIKE ${`%${f.q.replace(/[\\%_]/g, (x) => `\\${x}`)}%`}` : sql``}
        GROUP BY 1`,
  );
  const counts: Record<string, number> = { prospect: 0, pending: 0, active: 0, declined: 0, cancelled: 0, expired: 0 };
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + Number(r.n);
  return counts as Record<'prospect' | 'pending' | 'active' | 'declined' | 'cancelled' | 'expired', number>;
}
