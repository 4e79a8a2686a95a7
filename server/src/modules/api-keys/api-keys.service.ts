import type { AppContext } from '../../context.js';
import { AppError, invalidField, notFound } from '../../http/errors.js';
import { hashToken, newToken } from '../../lib/tokens.js';
import { toIso } from '../../lib/time.js';
import { recordAudit } from '../audit/audit.service.js';
import * as repo from './api-keys.repo.js';
import type { Scope } from './scopes.js';

export type KeyActor = { id: string; email: string; ip?: string };
/** What a request authenticated by a key carries. */
export type ApiKeyAccess = {
  id: string;
  orgId: string;
  name: string;
  prefix: string;
  scopes: string[];
  creator: { id: string; email: string };
};

const PREFIX_LENGTH = 12; // `trp_` and 8 characters of the random part

/** Presents a key without its hash. */
export function presentKey(k: repo.ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes as Scope[],
    expiresAt: toIso(k.expiresAt),
    revokedAt: toIso(k.revokedAt),
    lastUsedAt: toIso(k.lastUsedAt),
    lastUsedIp: k.lastUsedIp,
    createdAt: toIso(k.createdAt),
  };
}

/** Creates a key: 256 random bits, stored as SHA-256; the secret is returned this once. */
export async function createApiKey(
  ctx: AppContext,
  o: { actor: KeyActor; orgId: string; name: string; scopes: Scope[]; expiresAt?: string | null },
) {
  if (o.expiresAt && new Date(o.expiresAt).getTime() <= ctx.clock.now().getTime())
    throw invalidField('expiresAt', 'Choose an expiry in the future.');
  const secret = `trp_${newToken(32)}`;
  return ctx.db.transaction(async (tx) => {
    const row = await repo.insertApiKey(tx, {
      orgId: o.orgId,
      name: o.name,
      prefix: secret.slice(0, PREFIX_LENGTH),
      secretHash: hashToken(secret),
      scopes: [...new Set(o.scopes)],
      createdBy: o.actor.id,
      expiresAt: o.expiresAt ? new Date(o.expiresAt).toISOString() : null,
    });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: row.id,
      ip: o.actor.ip,
      data: { name: row.name, prefix: row.prefix, scopes: row.scopes, expiresAt: row.expiresAt },
    });
    return { ...presentKey(row), secret };
  });
}

/** An organization's keys (never their secrets). */
export async function listApiKeys(ctx: AppContext, o: { orgId: string }) {
  return (await repo.listApiKeys(ctx.db, o.orgId)).map(presentKey);
}

/** Revokes a key; it stops working at once (every request looks the key up). */
export async function revokeApiKey(ctx: AppContext, o: { actor: KeyActor; orgId: string; keyId: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await repo.revokeApiKey(tx, o.orgId, o.keyId);
    if (!row) throw notFound('API key');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: row.id,
      ip: o.actor.ip,
      data: { name: row.name, prefix: row.prefix },
    });
  });
}

const unauthorized = (code: string, message: string) => new AppError(401, code, message);

/** Checks a bearer secret; records its use (and audits a use from a new address). 401 when unknown, revoked or expired. */
export async function authenticateApiKey(ctx: AppContext, secret: string, ip: string): Promise<ApiKeyAccess> {
  if (!/^trp_[A-Za-z0-9_-]{43}$/.test(secret)) throw unauthorized('invalid_api_key', 'The API key is not valid.');
  const found = await repo.findApiKeyByHash(ctx.db, hashToken(secret));
  const key = found?.key;
  if (!key) throw unauthorized('invalid_api_key', 'The API key is not valid.');
  if (key.revokedAt) throw unauthorized('api_key_revoked', 'This API key was revoked; create a new one.');
  const now = ctx.clock.now().getTime();
  if (key.expiresAt && new Date(toIso(key.expiresAt)).getTime() <= now)
    throw unauthorized('api_key_expired', 'This API key has expired; create a new one.');
  if (!key.createdBy || !found.creatorEmail)
    throw unauthorized('api_key_orphaned', 'The account that created this API key no longer exists; create a new key.');
  const lastUsed = key.lastUsedAt ? new Date(toIso(key.lastUsedAt)).getTime() : 0;
  if (key.lastUsedIp !== ip) {
    await ctx.db.transaction(async (tx) => {
      await repo.touchApiKey(tx, key.id, ip);
      await recordAudit(tx, {
        orgId: key.orgId,
        action: 'api_key.used_from_new_address',
        targetType: 'api_key',
        targetId: key.id,
        ip,
        data: { name: key.name, prefix: key.prefix, previousIp: key.lastUsedIp },
      });
    });
  } else if (Date.now() - lastUsed > 60_000) {
    await repo.touchApiKey(ctx.db, key.id, ip); // at most once a minute per key and address
  }
  return {
    id: key.id,
    orgId: key.orgId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    creator: { id: key.createdBy, email: found.creatorEmail },
  };
}
