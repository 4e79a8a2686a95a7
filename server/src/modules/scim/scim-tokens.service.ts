import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../http/errors.js';
import { hashToken, newToken } from '../../lib/tokens.js';
import { toIso } from '../../lib/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { requireGroups } from '../members/members.service.js';
import { ScimError } from './scim-errors.js';
import * as repo from './scim.repo.js';
import type { ScimCaller } from './scim-users.service.js';

// Turning SCIM on, its tokens (`scim_…`: 256 random bits, shown once, stored as SHA-256), what a
// provisioned person becomes, and the provisioning log.

type Actor = { id: string; email: string; ip?: string };
const PREFIX_LENGTH = 13; // `scim_` and 8 characters

const presentToken = (t: repo.TokenRow) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  revokedAt: toIso(t.revokedAt),
  lastUsedAt: toIso(t.lastUsedAt),
  createdAt: toIso(t.createdAt),
});

const DEFAULTS = { enabled: false, accountMode: 'set_password', role: 'learner', defaultGroupIds: [] as string[] };

/** The organization's SCIM settings and base URL. */
export async function getSettings(ctx: AppContext, o: { orgId: string }) {
  const s = await repo.findSettings(ctx.db, o.orgId);
  return {
    ...DEFAULTS,
    ...(s ? { enabled: s.enabled, accountMode: s.accountMode, role: s.role, defaultGroupIds: s.defaultGroupIds } : {}),
    baseUrl: `${ctx.config.appUrl.replace(/\/$/, '')}/scim/v2`,
  } as {
    enabled: boolean;
    accountMode: 'set_password' | 'sso';
    role: 'manager_full' | 'manager_limited' | 'learner' | 'guest';
    defaultGroupIds: string[];
    baseUrl: string;
  };
}

/** Turns SCIM on or off and chooses what a provisioned person becomes (role, groups, set-password email or single sign-on). */
export async function updateSettings(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; enabled?: boolean; accountMode?: 'set_password' | 'sso'; role?: string; defaultGroupIds?: string[] },
) {
  const groupIds = o.defaultGroupIds ? await requireGroups(ctx, o.orgId, o.defaultGroupIds, 'defaultGroupIds') : undefined;
  await ctx.db.transaction(async (tx) => {
    const cur = (await repo.findSettings(tx, o.orgId)) ?? { ...DEFAULTS, orgId: o.orgId };
    const next = {
      orgId: o.orgId,
      enabled: o.enabled ?? cur.enabled,
      accountMode: o.accountMode ?? cur.accountMode,
      role: o.role ?? cur.role,
      defaultGroupIds: groupIds ?? cur.defaultGroupIds,
    };
    await repo.saveSettings(tx, next);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'scim.settings_changed',
      targetType: 'organization',
      targetId: o.orgId,
      ip: o.actor.ip,
      data: next,
    });
  });
  return getSettings(ctx, o);
}

/** Creates a token; it is in this answer only. */
export async function createToken(ctx: AppContext, o: { actor: Actor; orgId: string; name?: string }) {
  const token = `scim_${newToken(32)}`;
  return ctx.db.transaction(async (tx) => {
    const row = await repo.insertToken(tx, {
      orgId: o.orgId,
      name: o.name?.trim() || 'SCIM',
      prefix: token.slice(0, PREFIX_LENGTH),
      tokenHash: hashToken(token),
      createdBy: o.actor.id,
    });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'scim.token_created',
      targetType: 'scim_token',
      targetId: row.id,
      ip: o.actor.ip,
      data: { name: row.name, prefix: row.prefix },
    });
    return { ...presentToken(row), token };
  });
}

export async function listTokens(ctx: AppContext, o: { orgId: string }) {
  return (await repo.listTokens(ctx.db, o.orgId)).map(presentToken);
}

/** Revokes a token: the next request with it is refused. */
export async function revokeToken(ctx: AppContext, o: { actor: Actor; orgId: string; tokenId: string }) {
  await ctx.db.transaction(async (tx) => {
    const row = await repo.revokeToken(tx, o.orgId, o.tokenId);
    if (!row) throw notFound('SCIM token');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'scim.token_revoked',
      targetType: 'scim_token',
      targetId: row.id,
      ip: o.actor.ip,
      data: { name: row.name, prefix: row.prefix },
    });
  });
}

/** Rotates: a new token, the old one revoked, in one step. */
export async function rotateToken(ctx: AppContext, o: { actor: Actor; orgId: string; tokenId: string }) {
  const old = (await repo.listTokens(ctx.db, o.orgId)).find((t) => t.id === o.tokenId && !t.revokedAt);
  if (!old) throw notFound('SCIM token');
  return ctx.db.transaction(async (tx) => {
    const sub = { ...ctx, db: tx };
    const created = await createToken(sub, { actor: o.actor, orgId: o.orgId, name: old.name });
    await revokeToken(sub, o);
    return created;
  });
}

const unauthorized = () => new ScimError(401, 'The bearer token is missing, unknown or revoked.');

/** Resolves `Authorization: Bearer scim_…` into the caller (401 otherwise; 403 when SCIM is off). */
export async function authenticate(ctx: AppContext, header: string | undefined, ip: string): Promise<ScimCaller> {
  const token = /^Bearer\s+(scim_[A-Za-z0-9_-]{43})$/i.exec(header ?? '')?.[1];
  if (!token) throw unauthorized();
  const found = await repo.findToken(ctx.db, hashToken(token));
  if (!found || found.token.revokedAt || !found.token.createdBy || !found.creatorEmail) throw unauthorized();
  const st = found.settings;
  if (!st?.enabled) throw new ScimError(403, 'SCIM provisioning is turned off for this organization.');
  const t = found.token;
  const lastUsed = t.lastUsedAt ? new Date(toIso(t.lastUsedAt)).getTime() : 0;
  if (Date.now() - lastUsed > 60_000) await repo.touchToken(ctx.db, t.id); // at most once a minute
  const baseUrl = `${ctx.config.appUrl.replace(/\/$/, '')}/scim/v2`;
  const settings = { accountMode: st.accountMode, role: st.role, defaultGroupIds: st.defaultGroupIds };
  return {
    orgId: t.orgId,
    tokenId: t.id,
    tokenPrefix: t.prefix,
    // Services record an actor: the token acts under its creator's account, as an admin, named after the token.
    actor: { id: t.createdBy as string, email: found.creatorEmail, name: `SCIM ${t.name} (${t.prefix}…)`, locale: 'en', role: 'admin', ip },
    settings,
    baseUrl,
  };
}

/** Records one SCIM request in the provisioning log (after the request, outside its transaction). */
export async function logRequest(
  ctx: AppContext,
  v: {
    orgId: string;
    tokenId: string;
    method: string;
    operation: string;
    resourceType?: string;
    resourceId?: string;
    status: number;
    error?: string;
    durationMs: number;
  },
) {
  await repo.insertLog(ctx.db, {
    ...v,
    error: v.error?.slice(0, 500) ?? null,
    resourceType: v.resourceType ?? null,
    resourceId: v.resourceId ?? null,
  });
}

/** The newest entries of the provisioning log. */
export async function listLog(ctx: AppContext, o: { orgId: string; limit: number; cursor?: string }) {
  const cursor = o.cursor && /^[0-9a-f-]{36}$/i.test(o.cursor) ? o.cursor : undefined;
  if (o.cursor && !cursor) throw new AppError(400, 'bad_cursor', 'The cursor is not valid.');
  const rows = await repo.listLog(ctx.db, o.orgId, o.limit, cursor);
  const page = rows.slice(0, o.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: toIso(r.createdAt),
      method: r.method,
      operation: r.operation,
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      status: r.status,
      error: r.error,
      durationMs: r.durationMs,
    })),
    nextCursor: rows.length > o.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
