import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { joinPages } from '../../db/schema.js';
import { queryRows, uuidArray } from '../../lib/sql.js';
import { one } from '../../lib/rows.js';

export type JoinPage = typeof joinPages.$inferSelect;
export type OfferedGroup = { id: string; name: string; welcomeMessage: string | null; logoKey: string | null };
export type OfferedLocation = { id: string; name: string };

/** The settings row of an organization, if it ever saved one. */
export async function findJoinPage(db: Db, orgId: string): Promise<JoinPage | null> {
  const [row] = await db.select().from(joinPages).where(eq(joinPages.orgId, orgId));
  return row ?? null;
}

/** The enabled page behind a public address; slugs are compared in lower case. */
export async function findEnabledBySlug(db: Db, slug: string): Promise<JoinPage | null> {
  const [row] = await db
    .select()
    .from(joinPages)
    .where(and(eq(joinPages.slug, slug.trim().toLowerCase()), eq(joinPages.enabled, true)));
  return row ?? null;
}

/** The enabled page of an organization (links sent from it stop working when it is turned off). */
export async function findEnabledOfOrg(db: Db, orgId: string): Promise<JoinPage | null> {
  const [row] = await db
    .select()
    .from(joinPages)
    .where(and(eq(joinPages.orgId, orgId), eq(joinPages.enabled, true)));
  return row ?? null;
}

/** The groups of `orgId` among `groupIds` that still exist, in the order given. */
export async function offeredGroups(db: Db, orgId: string, groupIds: string[]): Promise<OfferedGroup[]> {
  if (groupIds.length === 0) return [];
  return queryRows<OfferedGroup>(
    db,
    sql`SELECT id, name, welcome_message AS "welcomeMessage", logo_key AS "logoKey" FROM groups
        WHERE org_id = ${orgId} AND id = ANY(${uuidArray(groupIds)})
        ORDER BY array_position(${uuidArray(groupIds)}, id)`,
  );
}

/** The live (not archived) locations of `orgId` among `locationIds`, by name. */
export async function offeredLocations(db: Db, orgId: string, locationIds: string[]): Promise<OfferedLocation[]> {
  if (locationIds.length === 0) return [];
  return queryRows<OfferedLocation>(
    db,
    sql`SELECT id, name FROM locations WHERE org_id = ${orgId} AND archived_at IS NULL AND id = ANY(${uuidArray(locationIds)}) ORDER BY lower(name), id`,
  );
}

/** Whether another organization uses `slug` as its own address (its join page defaults to it). */
export async function isOtherOrgSlug(db: Db, orgId: string, slug: string): Promise<boolean> {
  const rows = await queryRows(db, sql`SELECT 1 FROM organizations WHERE slug = ${slug} AND id <> ${orgId}`);
  return rows.length > 0;
}

/** Writes the settings (insert or replace) and returns the row. */
export async function saveJoinPage(
  tx: Db,
  o: {
    orgId: string;
    enabled: boolean;
    slug: string;
    allowedDomains: string[];
    groupIds: string[];
    locationIds: string[];
    requireApproval: boolean;
    updatedBy: string;
    now: Date;
  },
): Promise<JoinPage> {
  const values = {
    enabled: o.enabled,
    slug: o.slug,
    allowedDomains: o.allowedDomains,
    groupIds: o.groupIds,
    locationIds: o.locationIds,
    requireApproval: o.requireApproval,
    updatedBy: o.updatedBy,
    updatedAt: o.now.toISOString(),
  };
  const row = one(
    await tx
      .insert(joinPages)
      .values({ orgId: o.orgId, ...values })
      .onConflictDoUpdate({ target: joinPages.orgId, set: values })
      .returning(),
    'join-page',
  );
  return row;
}

/** Join-page verification emails sent to an address in the last hour, and seconds until the oldest leaves the window. */
export async function recentJoinMails(db: Db, email: string): Promise<{ n: number; retryAfterSeconds: number }> {
  const [row] = await queryRows<{ n: number; wait: number | null }>(
    db,
    sql`SELECT count(*)::int AS n, ceil(extract(epoch FROM min(created_at) + interval '1 hour' - now()))::int AS wait
        FROM emails
        WHERE lower(to_address) = lower(${email}) AND template = 'join-page-verify' AND created_at > now() - interval '1 hour'`,
  );
  return { n: Number(row?.n ?? 0), retryAfterSeconds: Math.max(1, Number(row?.wait ?? 60)) };
}
