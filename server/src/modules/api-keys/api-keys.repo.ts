import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, apiKeys } from '../../db/schema.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Inserts a key (its hash only). */
export async function insertApiKey(db: Db, v: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [row] = await db.insert(apiKeys).values(v).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

/** An organization's keys, newest first (revoked ones included, so the list explains what happened). */
export function listApiKeys(db: Db, orgId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.orgId, orgId)).orderBy(desc(apiKeys.createdAt)).limit(500);
}

/** Marks a key revoked; returns it, or undefined when no live key of the organization has this id. */
export async function revokeApiKey(db: Db, orgId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}

/** The key with this secret hash, if any, with the email of the account that created it. */
export async function findApiKeyByHash(db: Db, secretHash: string) {
  const [row] = await db
    .select({ key: apiKeys, creatorEmail: accounts.email })
    .from(apiKeys)
    .leftJoin(accounts, eq(accounts.id, apiKeys.createdBy))
    .where(eq(apiKeys.secretHash, secretHash));
  return row;
}

/** Records the time and address of a use. */
export async function touchApiKey(db: Db, keyId: string, ip: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()`, lastUsedIp: ip }).where(eq(apiKeys.id, keyId));
}
