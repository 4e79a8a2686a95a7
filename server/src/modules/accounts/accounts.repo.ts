import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accounts, authTokens, memberships, organizations } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { hashToken, newToken } from '../../lib/tokens.js';

export type TokenPurpose = 'verify_email' | 'reset_password' | 'set_password';

export async function findAccountByKey(db: Db, emailKey: string) {
  const [row] = await db.select().from(accounts).where(eq(accounts.emailKey, emailKey));
  return row ?? null;
}

export async function findAccountById(db: Db, id: string) {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row ?? null;
}

/** Creates a one-time token for an account; only its hash is stored. Earlier unused tokens of the same purpose stop working. */
export async function createAuthToken(
  db: Db,
  o: { accountId: string; emailKey: string; purpose: TokenPurpose; expiresAt: Date },
): Promise<string> {
  const token = newToken(32);
  await db
    .update(authTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(authTokens.accountId, o.accountId), eq(authTokens.purpose, o.purpose), isNull(authTokens.usedAt)));
  await db.insert(authTokens).values({
    tokenHash: hashToken(token),
    purpose: o.purpose,
    accountId: o.accountId,
    emailKey: o.emailKey,
    expiresAt: o.expiresAt.toISOString(),
  });
  return token;
}

/** Consumes a token atomically: the first caller gets the row, later callers get null. */
export async function consumeAuthToken(db: Db, token: string, purpose: TokenPurpose, now: Date) {
  const [row] = await db
    .update(authTokens)
    .set({ usedAt: now.toISOString() })
    .where(
      and(
        eq(authTokens.tokenHash, hashToken(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, now.toISOString()),
      ),
    )
    .returning();
  return row ?? null;
}

/** Looks a token up without consuming it (to tell an expired link from an unknown one). */
export async function peekAuthToken(db: Db, token: string, purpose: TokenPurpose) {
  const [row] = await db
    .select()
    .from(authTokens)
    .where(and(eq(authTokens.tokenHash, hashToken(token)), eq(authTokens.purpose, purpose)));
  return row ?? null;
}

export async function listMembershipsOf(db: Db, accountId: string) {
  return db
    .select({
      orgId: organizations.id,
      orgName: organizations.name,
      orgSlug: organizations.slug,
      role: memberships.role,
      status: memberships.status,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.accountId, accountId), eq(memberships.status, 'active')))
    .orderBy(organizations.name);
}

/**
 * Registers the person a link was sent to (invitation, join page): the link proves the address, so the
 * account is verified at once. An address that already has an account answers 409: sign in instead.
 */
export async function insertProvenAccount(
  tx: Db,
  o: {
    email: string;
    emailKey: string;
    name: string;
    passwordHash: string | null;
    locale?: string;
    now: Date;
    signInTo: 'accept' | 'join';
  },
) {
  const [account] = await tx
    .insert(accounts)
    .values({
      email: o.email,
      emailKey: o.emailKey,
      name: o.name,
      passwordHash: o.passwordHash,
      locale: o.locale ?? 'en',
      verifiedAt: o.now.toISOString(),
    })
    .onConflictDoNothing()
    .returning();
  if (!account) throw new AppError(409, 'account_exists', `${o.email} already has a Troupe account: sign in to ${o.signInTo}.`);
  return account;
}
