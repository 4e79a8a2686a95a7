import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ssoConnections, ssoIdentities, ssoLogins } from '../../db/schema.js';
import { queryRows, uuidArray } from '../../lib/sql.js';

export type Connection = typeof ssoConnections.$inferSelect;
export type ConnectionValues = Omit<typeof ssoConnections.$inferInsert, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>;

export const listConnections = (db: Db, orgId: string) =>
  db.select().from(ssoConnections).where(eq(ssoConnections.orgId, orgId)).orderBy(asc(ssoConnections.createdAt));

export async function findConnection(db: Db, orgId: string, id: string): Promise<Connection | undefined> {
  const [row] = await db
    .select()
    .from(ssoConnections)
    .where(and(eq(ssoConnections.orgId, orgId), eq(ssoConnections.id, id)));
  return row;
}

export async function connectionById(db: Db, id: string): Promise<Connection | undefined> {
  const [row] = await db.select().from(ssoConnections).where(eq(ssoConnections.id, id));
  return row;
}

export async function insertConnection(db: Db, orgId: string, v: ConnectionValues & { clientSecretSealed: string }) {
  const [row] = await db
    .insert(ssoConnections)
    .values({ ...v, orgId })
    .returning();
  return row as Connection;
}

export async function updateConnection(db: Db, orgId: string, id: string, v: Partial<ConnectionValues>) {
  const [row] = await db
    .update(ssoConnections)
    .set({ ...v, updatedAt: sql`now()` })
    .where(and(eq(ssoConnections.orgId, orgId), eq(ssoConnections.id, id)))
    .returning();
  return row;
}

export async function deleteConnection(db: Db, orgId: string, id: string) {
  await db.execute(
    sql`UPDATE org_domains SET sso_connection_id = NULL, sso_enforced = false WHERE org_id = ${orgId} AND sso_connection_id = ${id}`,
  );
  const rows = await db
    .delete(ssoConnections)
    .where(and(eq(ssoConnections.orgId, orgId), eq(ssoConnections.id, id)))
    .returning({ id: ssoConnections.id });
  return rows.length > 0;
}

/** Attaches the organization's verified domains (by id) to a connection: home-realm discovery sends their addresses to it. */
export async function attachDomains(db: Db, orgId: string, connectionId: string, domainIds: string[]) {
  await db.execute(sql`UPDATE org_domains SET sso_connection_id = NULL, sso_enforced = false
    WHERE org_id = ${orgId} AND sso_connection_id = ${connectionId} AND NOT (id = ANY(${uuidArray(domainIds)}))`);
  await db.execute(sql`UPDATE org_domains SET sso_connection_id = ${connectionId}
    WHERE org_id = ${orgId} AND id = ANY(${uuidArray(domainIds)})`);
}

export const connectionDomains = (db: Db, orgId: string) =>
  queryRows<{ id: string; domain: string; connectionId: string | null; verified: boolean; enforced: boolean }>(
    db,
    sql`SELECT id, domain, sso_connection_id AS "connectionId", verified_at IS NOT NULL AS verified, sso_enforced AS enforced
        FROM org_domains WHERE org_id = ${orgId} ORDER BY domain`,
  );

export async function insertLogin(db: Db, v: typeof ssoLogins.$inferInsert) {
  await db.insert(ssoLogins).values(v);
}

/** Takes a sign-in in flight once: the row is marked used; a second callback with the same state finds nothing. */
export async function takeLogin(db: Db, stateHash: string) {
  const [row] = await db
    .update(ssoLogins)
    .set({ usedAt: sql`now()` })
    .where(and(eq(ssoLogins.stateHash, stateHash), sql`${ssoLogins.usedAt} IS NULL`))
    .returning();
  return row;
}

export async function storeTestClaims(db: Db, stateHash: string, claims: Record<string, unknown>) {
  await db.update(ssoLogins).set({ claims }).where(eq(ssoLogins.stateHash, stateHash));
}

export async function lastTest(db: Db, connectionId: string, accountId: string) {
  const [row] = await queryRows<{ claims: Record<string, unknown>; at: string }>(
    db,
    sql`SELECT claims, used_at AS at FROM sso_logins WHERE connection_id = ${connectionId} AND account_id = ${accountId}
          AND mode = 'test' AND claims IS NOT NULL ORDER BY used_at DESC LIMIT 1`,
  );
  return row ?? null;
}

export async function findIdentity(db: Db, issuer: string, subject: string) {
  const [row] = await db
    .select()
    .from(ssoIdentities)
    .where(and(eq(ssoIdentities.issuer, issuer), eq(ssoIdentities.subject, subject)));
  return row;
}

export async function insertIdentity(db: Db, v: { accountId: string; connectionId: string; issuer: string; subject: string }) {
  const [row] = await db.insert(ssoIdentities).values(v).onConflictDoNothing().returning();
  return row;
}

export async function touchIdentity(db: Db, id: string) {
  await db.update(ssoIdentities).set({ lastSignInAt: sql`now()` }).where(eq(ssoIdentities.id, id));
}

/** Groups the account is in within the organization, and which of them the SSO mapping put it in. */
export async function groupState(db: Db, orgId: string, accountId: string) {
  return queryRows<{ groupId: string; granted: boolean }>(
    db,
    sql`SELECT gm.group_id AS "groupId", (sg.group_id IS NOT NULL) AS granted FROM group_members gm
        LEFT JOIN sso_group_grants sg ON sg.org_id = gm.org_id AND sg.group_id = gm.group_id AND sg.account_id = gm.account_id
        WHERE gm.org_id = ${orgId} AND gm.account_id = ${accountId}`,
  );
}

export async function recordGrants(db: Db, o: { orgId: string; accountId: string; connectionId: string; groupIds: string[] }) {
  if (o.groupIds.length === 0) return;
  await db.execute(sql`INSERT INTO sso_group_grants (org_id, group_id, account_id, connection_id)
    SELECT ${o.orgId}, g, ${o.accountId}, ${o.connectionId} FROM unnest(${uuidArray(o.groupIds)}) g
    JOIN group_members gm ON gm.org_id = ${o.orgId} AND gm.group_id = g AND gm.account_id = ${o.accountId}
    ON CONFLICT DO NOTHING`);
}

export async function orgGroupIds(db: Db, orgId: string, ids: string[]) {
  const rows = await queryRows<{ id: string }>(db, sql`SELECT id FROM groups WHERE org_id = ${orgId} AND id = ANY(${uuidArray(ids)})`);
  return rows.map((r) => r.id);
}

export async function orgOf(db: Db, orgId: string) {
  const [row] = await queryRows<{ id: string; name: string; slug: string }>(
    db,
    sql`SELECT id, name, slug FROM organizations WHERE id = ${orgId}`,
  );
  return row;
}

export async function orgBySlug(db: Db, slug: string) {
  const [row] = await queryRows<{ id: string; name: string }>(db, sql`SELECT id, name FROM organizations WHERE slug = ${slug}`);
  return row;
}

/** Whether the account is an active owner of the organization (owners keep password sign-in: break-glass). */
export async function isOwner(db: Db, orgId: string, accountId: string) {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`SELECT 1 AS one FROM memberships WHERE org_id = ${orgId} AND account_id = ${accountId} AND role = 'owner' AND status = 'active'`,
  );
  return rows.length > 0;
}

export async function setAccountProfile(db: Db, accountId: string, o: { name?: string; locale?: string }) {
  if (!o.name && !o.locale) return;
  await db.execute(sql`UPDATE accounts SET name = coalesce(${o.name ?? null}, name), locale = coalesce(${o.locale ?? null}, locale), updated_at = now()
    WHERE id = ${accountId}`);
}

export async function accountByKey(db: Db, emailKey: string) {
  const [row] = await queryRows<{ id: string; email: string; emailKey: string }>(
    db,
    sql`SELECT id, email, email_key AS "emailKey" FROM accounts WHERE email_key = ${emailKey}`,
  );
  return row;
}

export async function accountById(db: Db, id: string) {
  const [row] = await queryRows<{ id: string; email: string; emailKey: string }>(
    db,
    sql`SELECT id, email, email_key AS "emailKey" FROM accounts WHERE id = ${id}`,
  );
  return row;
}
