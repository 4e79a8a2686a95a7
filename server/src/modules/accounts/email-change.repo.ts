import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, authTokens, emailChanges, memberships, organizations } from '../../db/schema.js';
import { hashToken, newToken } from '../../lib/tokens.js';

/** The account and its role in the organization, or null when it is not a member there (the 404). */
export async function findMemberAccount(db: Db, orgId: string, accountId: string) {
  const [row] = await db
    .select({ account: accounts, role: memberships.role, orgName: organizations.name })
    .from(memberships)
    .innerJoin(accounts, eq(accounts.id, memberships.accountId))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.accountId, accountId)))
    .for('update', { of: accounts });
  return row ?? null;
}

/** Whether another account than `accountId` holds the address. */
export async function addressTakenByOther(db: Db, emailKey: string, accountId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.emailKey, emailKey), sql`${accounts.id} <> ${accountId}`));
  return Boolean(row);
}

/** Records a change request (only the token's hash is kept) and closes the account's earlier open ones. */
export async function insertEmailChange(
  db: Db,
  o: {
    accountId: string;
    oldEmail: string;
    newEmail: string;
    newEmailKey: string;
    requestedBy: string;
    orgId: string | null;
    expiresAt: Date;
  },
): Promise<{ token: string; expiresAt: string }> {
  await db
    .update(emailChanges)
    .set({ cancelledAt: sql`now()` })
    .where(and(eq(emailChanges.accountId, o.accountId), isNull(emailChanges.confirmedAt), isNull(emailChanges.cancelledAt)));
  const token = newToken(32);
  await db.insert(emailChanges).values({
    accountId: o.accountId,
    oldEmail: o.oldEmail,
    newEmail: o.newEmail,
    newEmailKey: o.newEmailKey,
    tokenHash: hashToken(token),
    requestedBy: o.requestedBy,
    orgId: o.orgId,
    expiresAt: o.expiresAt.toISOString(),
  });
  return { token, expiresAt: o.expiresAt.toISOString() };
}

/** Consumes an open, unexpired request atomically: the first caller gets the row, later callers null. */
export async function consumeEmailChange(db: Db, token: string, now: Date) {
  const [row] = await db
    .update(emailChanges)
    .set({ confirmedAt: now.toISOString() })
    .where(
      and(
        eq(emailChanges.tokenHash, hashToken(token)),
        isNull(emailChanges.confirmedAt),
        isNull(emailChanges.cancelledAt),
        gt(emailChanges.expiresAt, now.toISOString()),
      ),
    )
    .returning();
  return row ?? null;
}

/** The request behind a token, whatever its state (to tell an expired link from a used one). */
export async function peekEmailChange(db: Db, token: string) {
  const [row] = await db
    .select()
    .from(emailChanges)
    .where(eq(emailChanges.tokenHash, hashToken(token)));
  return row ?? null;
}

/** Moves the account to its new address, proven by the link; earlier links mailed to the old address stop working. */
export async function moveAccountAddress(db: Db, o: { accountId: string; oldEmail: string; newEmail: string; newEmailKey: string }) {
  const [account] = await db
    .update(accounts)
    .set({ email: o.newEmail, emailKey: o.newEmailKey, verifiedAt: sql`coalesce(${accounts.verifiedAt}, now())`, updatedAt: sql`now()` })
    .where(and(eq(accounts.id, o.accountId), eq(accounts.email, o.oldEmail)))
    .returning();
  return account ?? null;
}

/** Retires the account's unused sign-in links (verification, reset, set password): they were mailed to the old address. */
export async function retireAuthTokens(db: Db, accountId: string): Promise<void> {
  await db
    .update(authTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(authTokens.accountId, accountId), isNull(authTokens.usedAt)));
}

/** Ends the account's sessions but the one that confirmed (when it is the account's own). */
export async function endSessionsExcept(db: Db, accountId: string, keepHash: string | null): Promise<void> {
  await db.execute(sql`DELETE FROM sessions WHERE account_id = ${accountId} AND id_hash <> ${keepHash ?? ''}`);
}

/** The account's open request, if any (what the account page and the member page show as pending). */
export async function findOpenEmailChange(db: Db, accountId: string, now: Date) {
  const [row] = await db
    .select({ newEmail: emailChanges.newEmail, expiresAt: emailChanges.expiresAt, createdAt: emailChanges.createdAt })
    .from(emailChanges)
    .where(
      and(
        eq(emailChanges.accountId, accountId),
        isNull(emailChanges.confirmedAt),
        isNull(emailChanges.cancelledAt),
        gt(emailChanges.expiresAt, now.toISOString()),
      ),
    )
    .orderBy(sql`created_at DESC`)
    .limit(1);
  return row ?? null;
}

/**
 * Whether the organization wholly owns the account: it created it (managed) and the account belongs to
 * no other organization. Only then may a change an admin asked for be confirmed without the person's session.
 */
export async function ownedSolelyBy(db: Db, accountId: string, orgId: string | null): Promise<boolean> {
  if (!orgId) return false;
  const rows = await db
    .select({ orgId: memberships.orgId, managed: memberships.managed })
    .from(memberships)
    .where(eq(memberships.accountId, accountId));
  return rows.length === 1 && rows[0]?.orgId === orgId && rows[0].managed;
}
