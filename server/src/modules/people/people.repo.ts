import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, memberships, provisionedPeople } from '../../db/schema.js';
import { queryRows } from '../../lib/sql.js';

export type PersonLink = typeof provisionedPeople.$inferSelect;

export async function findLink(db: Db, orgId: string, externalId: string): Promise<PersonLink | undefined> {
  const [row] = await db
    .select()
    .from(provisionedPeople)
    .where(and(eq(provisionedPeople.orgId, orgId), eq(provisionedPeople.externalId, externalId)));
  return row;
}

export async function saveLink(db: Db, v: typeof provisionedPeople.$inferInsert): Promise<void> {
  await db
    .insert(provisionedPeople)
    .values(v)
    .onConflictDoUpdate({
      target: [provisionedPeople.orgId, provisionedPeople.externalId],
      set: { accountId: v.accountId, invitationId: v.invitationId, requestHash: v.requestHash, updatedAt: sql`now()` },
    });
}

/** The organization's member with this address, if any (status, role, managed, name, locale, direct groups). */
export async function findMemberByEmail(db: Db, orgId: string, emailKey: string) {
  const [row] = await db
    .select({
      accountId: accounts.id,
      name: accounts.name,
      locale: accounts.locale,
      role: memberships.role,
      status: memberships.status,
      managed: memberships.managed,
      groupIds: sql<
        string[]
      >`coalesce((SELECT array_agg(gm.group_id::text) FROM group_members gm WHERE gm.org_id = ${orgId} AND gm.account_id = ${accounts.id}), '{}')`,
    })
    .from(memberships)
    .innerJoin(accounts, eq(accounts.id, memberships.accountId))
    .where(and(eq(memberships.orgId, orgId), eq(accounts.emailKey, emailKey)));
  return row;
}

/** Renames a managed account (the organization created it, so it may keep its name up to date). */
export async function updateManagedAccount(db: Db, accountId: string, set: { name?: string; locale?: string }): Promise<void> {
  if (!set.name && !set.locale) return;
  await db
    .update(accounts)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(accounts.id, accountId));
}

/**
 * The person's enrolment in a session of the program: the one open now first, then the latest to
 * open. Undefined when they have none.
 */
export async function findProgramEnrolment(db: Db, o: { orgId: string; accountId: string; programId: string; now: Date }) {
  const now = o.now.toISOString();
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`SELECT e.id FROM enrolments e JOIN program_sessions s ON s.id = e.session_id
      WHERE e.org_id = ${o.orgId} AND e.account_id = ${o.accountId} AND s.program_id = ${o.programId}
      ORDER BY (s.opens_at <= ${now}::timestamptz AND (s.closes_at IS NULL OR s.closes_at > ${now}::timestamptz)) DESC, s.opens_at DESC
      LIMIT 1`,
  );
  return row;
}
