import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, memberships, provisionedPeople } from '../../db/schema.js';

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
