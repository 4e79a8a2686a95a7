import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { accounts, memberships } from '../../db/schema.js';
import { AppError, invalidField } from '../../http/errors.js';
import { normalizeEmail } from '../../lib/email-address.js';
import { hashPassword, verifyDummy, verifyPassword } from '../../lib/passwords.js';
import { queueEmails } from '../../mail/outbox.js';
import { recordAudit } from '../audit/audit.service.js';
import { assertPasswordAllowed } from '../sso/sso-policy.service.js';
import {
  consumeAuthToken,
  createAuthToken,
  findAccountById,
  findAccountByKey,
  insertProvenAccount,
  listMembershipsOf,
  peekAuthToken,
  type TokenPurpose,
} from './accounts.repo.js';
import { one } from '../../lib/rows.js';
import { applyDomainPolicyOnVerification } from '../join-requests/suggestions.service.js';

export { createAuthToken } from './accounts.repo.js';

const HOUR = 3600_000;
export const TOKEN_TTL: Record<TokenPurpose, number> = { verify_email: 24 * HOUR, reset_password: HOUR, set_password: 7 * 24 * HOUR };

type Meta = { ip?: string };

/** Normalizes an address from a request or fails with a 422 naming the field. */
export function requireEmail(input: string, field = 'email') {
  const n = normalizeEmail(input);
  if (!n) throw invalidField(field, 'This is not a valid email address.', 'invalid_email');
  return n;
}

/** Records an account-level event in the audit log of each organization the account belongs to. */
export async function auditAccountEvent(
  db: Db,
  account: { id: string; email: string },
  action: string,
  meta: Meta,
  data: Record<string, unknown> = {},
) {
  const orgs = await db.select({ orgId: memberships.orgId }).from(memberships).where(eq(memberships.accountId, account.id));
  const targets = orgs.length ? orgs.map((o) => o.orgId) : [null];
  for (const orgId of targets) {
    await recordAudit(db, { orgId, actor: account, action, targetType: 'account', targetId: account.id, ip: meta.ip, data });
  }
}

/** Registers an account and mails a verification link; answers the same whether or not the address is taken. */
export async function registerAccount(
  ctx: AppContext,
  o: { email: string; password: string; name: string; locale?: string } & Meta,
): Promise<void> {
  const addr = requireEmail(o.email);
  const passwordHash = await hashPassword(o.password); // spent in both branches, so timing does not tell
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const existing = await findAccountByKey(tx, addr.key);
    if (existing?.verifiedAt) {
      await queueEmails(tx, ctx.jobs, [{ to: existing.email, template: 'account-exists', locale: existing.locale }]);
      return;
    }
    let account = existing;
    if (!account) {
      const [inserted] = await tx
        .insert(accounts)
        .values({ email: addr.email, emailKey: addr.key, name: o.name.trim(), passwordHash, locale: o.locale ?? 'en' })
        .onConflictDoNothing()
        .returning();
      account = inserted ?? null;
      if (!account) return; // registered a moment ago by a concurrent request: that one sends the mail
    }
    const token = await createAuthToken(tx, {
      accountId: account.id,
      emailKey: account.emailKey,
      purpose: 'verify_email',
      expiresAt: new Date(now.getTime() + TOKEN_TTL.verify_email),
    });
    await queueEmails(tx, ctx.jobs, [
      { to: account.email, template: 'verify-email', locale: account.locale, params: { name: account.name, token } },
    ]);
  });
}

/** Sends a new verification link to an unverified account; silent otherwise. */
export async function resendVerification(ctx: AppContext, o: { email: string }): Promise<void> {
  const addr = normalizeEmail(o.email);
  if (!addr) return;
  await ctx.db.transaction(async (tx) => {
    const account = await findAccountByKey(tx, addr.key);
    if (!account || account.verifiedAt) return;
    const token = await createAuthToken(tx, {
      accountId: account.id,
      emailKey: account.emailKey,
      purpose: 'verify_email',
      expiresAt: new Date(ctx.clock.now().getTime() + TOKEN_TTL.verify_email),
    });
    await queueEmails(tx, ctx.jobs, [
      { to: account.email, template: 'verify-email', locale: account.locale, params: { name: account.name, token } },
    ]);
  });
}

/** Explains why a token could not be used: expired, or unknown / already used. */
async function tokenError(ctx: AppContext, token: string, purpose: TokenPurpose): Promise<AppError> {
  const row = await peekAuthToken(ctx.db, token, purpose);
  if (row && !row.usedAt && new Date(row.expiresAt) <= ctx.clock.now())
    return new AppError(400, 'token_expired', 'This link has expired; ask for a new one.');
  return new AppError(400, 'invalid_token', 'This link is not valid or was already used; ask for a new one.');
}

/** Confirms an email address with the token from the verification mail (single use, 24 hours). */
export async function verifyEmail(ctx: AppContext, o: { token: string } & Meta): Promise<void> {
  const done = await ctx.db.transaction(async (tx) => {
    const row = await consumeAuthToken(tx, o.token, 'verify_email', ctx.clock.now());
    if (!row) return false;
    const account = one(
      await tx
        .update(accounts)
        .set({ verifiedAt: sql`coalesce(${accounts.verifiedAt}, now())`, updatedAt: sql`now()` })
        .where(eq(accounts.id, row.accountId))
        .returning(),
      'account',
    );
    if (account.emailKey !== row.emailKey) return false; // the address changed since the mail was sent
    await auditAccountEvent(tx, account, 'account.email_verified', o);
    // issue 16: an organization that verified this address's domain with `auto_join` takes the person in.
    await applyDomainPolicyOnVerification(tx, { account, now: ctx.clock.now(), jobs: ctx.jobs, ip: o.ip });
    return true;
  });
  if (!done) throw await tokenError(ctx, o.token, 'verify_email');
}

/** Checks credentials; the same 401 for an unknown address and a wrong password, in about the same time. */
export async function signIn(ctx: AppContext, o: { email: string; password: string } & Meta) {
  const addr = normalizeEmail(o.email);
  const account = addr ? await findAccountByKey(ctx.db, addr.key) : null;
  if (!account?.passwordHash) {
    await verifyDummy(o.password);
    throw new AppError(401, 'invalid_credentials', 'The email address or the password is wrong.');
  }
  if (!(await verifyPassword(account.passwordHash, o.password))) {
    await auditAccountEvent(ctx.db, account, 'auth.sign_in_failed', o);
    throw new AppError(401, 'invalid_credentials', 'The email address or the password is wrong.');
  }
  if (!account.verifiedAt) throw new AppError(403, 'email_not_verified', 'Confirm your email address first: we sent you a link.');
  if (addr) await assertPasswordAllowed(ctx.db, { domain: addr.domain, accountId: account.id }); // issue 16
  await ctx.db.transaction(async (tx) => {
    await tx.update(accounts).set({ lastLoginAt: sql`now()` }).where(eq(accounts.id, account.id));
    await auditAccountEvent(tx, account, 'auth.sign_in', o);
  });
  return account;
}

/** Mails a reset link to the address stored for the account, never to one taken from the request. */
export async function forgotPassword(ctx: AppContext, o: { email: string } & Meta): Promise<void> {
  const addr = normalizeEmail(o.email);
  const account = addr ? await findAccountByKey(ctx.db, addr.key) : null;
  // issue 16: a domain enforcing SSO answers the same for every address at it (owners excepted).
  if (addr) await assertPasswordAllowed(ctx.db, { domain: addr.domain, accountId: account?.id ?? null });
  if (!account) return;
  await ctx.db.transaction(async (tx) => {
    const token = await createAuthToken(tx, {
      accountId: account.id,
      emailKey: account.emailKey,
      purpose: 'reset_password',
      expiresAt: new Date(ctx.clock.now().getTime() + TOKEN_TTL.reset_password),
    });
    await queueEmails(tx, ctx.jobs, [{ to: account.email, template: 'reset-password', locale: account.locale, params: { token } }]);
    await auditAccountEvent(tx, account, 'auth.password_reset_requested', o);
  });
}

/** Sets a new password from a reset or set-password link; other sessions end unless asked otherwise. */
export async function resetPassword(
  ctx: AppContext,
  o: { token: string; password: string; signOutOtherSessions: boolean; purpose?: TokenPurpose } & Meta,
) {
  const purpose = o.purpose ?? 'reset_password';
  const passwordHash = await hashPassword(o.password);
  const account = await ctx.db.transaction(async (tx) => {
    const row = await consumeAuthToken(tx, o.token, purpose, ctx.clock.now());
    if (!row) return null;
    const acc = one(
      await tx
        .update(accounts)
        .set({ passwordHash, verifiedAt: sql`coalesce(${accounts.verifiedAt}, now())`, updatedAt: sql`now()` })
        .where(eq(accounts.id, row.accountId))
        .returning(),
      'account',
    );
    if (o.signOutOtherSessions) await tx.execute(sql`DELETE FROM sessions WHERE account_id = ${acc.id}`);
    await auditAccountEvent(tx, acc, purpose === 'reset_password' ? 'auth.password_reset' : 'auth.password_set', o);
    return acc;
  });
  if (!account) throw await tokenError(ctx, o.token, purpose);
  return account;
}

/** Changes the signed-in account's own name or language. */
export async function updateProfile(ctx: AppContext, o: { accountId: string; name?: string; locale?: string }) {
  const acc = one(
    await ctx.db
      .update(accounts)
      .set({ ...(o.name !== undefined ? { name: o.name.trim() } : {}), ...(o.locale ? { locale: o.locale } : {}), updatedAt: sql`now()` })
      .where(eq(accounts.id, o.accountId))
      .returning(),
    'account',
  );
  return acc;
}

/** The account (null when deleted since the session started). */
export async function findAccount(ctx: Pick<AppContext, 'db'>, accountId: string) {
  return findAccountById(ctx.db, accountId);
}

/** The organizations the account is an active member of, by name: what the switcher lists. */
export async function listActiveMemberships(ctx: Pick<AppContext, 'db'>, accountId: string) {
  return listMembershipsOf(ctx.db, accountId);
}

/**
 * The account of an address a link or an identity provider proved. `register` creates it and answers
 * 409 when the address already has one (sign in instead); `find-or-create` takes the existing one.
 */
export async function provenAccount(
  tx: Db,
  o: {
    email: string;
    emailKey: string;
    mode: 'register' | 'find-or-create';
    name: string;
    passwordHash: string | null;
    locale?: string;
    now: Date;
    signInTo: 'accept' | 'join';
  },
): Promise<{ account: typeof accounts.$inferSelect; created: boolean }> {
  if (o.mode === 'find-or-create') {
    const existing = await findAccountByKey(tx, o.emailKey);
    if (existing) return { account: existing, created: false };
  }
  return { account: await insertProvenAccount(tx, o), created: true };
}
