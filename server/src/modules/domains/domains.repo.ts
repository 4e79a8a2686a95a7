import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { orgDomains } from '../../db/schema.js';

export type OrgDomain = typeof orgDomains.$inferSelect;

/** The domains an organization claimed, verified or not, by name. */
export async function listDomains(db: Db, orgId: string): Promise<OrgDomain[]> {
  return db.select().from(orgDomains).where(eq(orgDomains.orgId, orgId)).orderBy(asc(orgDomains.domain));
}

/** One domain of the organization (another organization's is not found). */
export async function findDomain(db: Db, orgId: string, domainId: string, lock = false): Promise<OrgDomain | null> {
  const q = db
    .select()
    .from(orgDomains)
    .where(and(eq(orgDomains.orgId, orgId), eq(orgDomains.id, domainId)));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

/** The organization's claim of a domain name, if any. */
export async function findClaim(db: Db, orgId: string, domain: string): Promise<OrgDomain | null> {
  const [row] = await db
    .select()
    .from(orgDomains)
    .where(and(eq(orgDomains.orgId, orgId), eq(orgDomains.domain, domain)));
  return row ?? null;
}

/** The one verified claim of a domain name, whichever organization holds it. */
export async function findVerified(db: Db, domain: string): Promise<OrgDomain | null> {
  const [row] = await db
    .select()
    .from(orgDomains)
    .where(and(eq(orgDomains.domain, domain), isNotNull(orgDomains.verifiedAt)));
  return row ?? null;
}

/** Inserts a claim; null when the organization already claimed that name (a concurrent add). */
export async function insertDomain(
  db: Db,
  o: { orgId: string; domain: string; verificationToken: string; createdBy: string },
): Promise<OrgDomain | null> {
  const [row] = await db.insert(orgDomains).values(o).onConflictDoNothing().returning();
  return row ?? null;
}

/** Changes a claim's verification, policy or groups. */
export async function updateDomain(
  db: Db,
  orgId: string,
  domainId: string,
  set: Partial<Pick<OrgDomain, 'verifiedAt' | 'lastCheckedAt' | 'policy' | 'groupIds' | 'ssoEnforced'>>,
): Promise<OrgDomain | null> {
  const [row] = await db
    .update(orgDomains)
    .set({ ...set, updatedAt: sql`now()` as unknown as string })
    .where(and(eq(orgDomains.orgId, orgId), eq(orgDomains.id, domainId)))
    .returning();
  return row ?? null;
}

/** Removes a claim. */
export async function deleteDomain(db: Db, orgId: string, domainId: string): Promise<OrgDomain | null> {
  const [row] = await db
    .delete(orgDomains)
    .where(and(eq(orgDomains.orgId, orgId), eq(orgDomains.id, domainId)))
    .returning();
  return row ?? null;
}

/** Ids of verified domains checked before `before` (or never), for the daily re-check. */
export async function verifiedDueForCheck(db: Db, before: Date, limit: number): Promise<{ id: string; orgId: string }[]> {
  return db
    .select({ id: orgDomains.id, orgId: orgDomains.orgId })
    .from(orgDomains)
    .where(
      and(
        isNotNull(orgDomains.verifiedAt),
        sql`(${orgDomains.lastCheckedAt} IS NULL OR ${orgDomains.lastCheckedAt} < ${before.toISOString()}::timestamptz)`,
      ),
    )
    .orderBy(asc(orgDomains.lastCheckedAt))
    .limit(limit);
}
