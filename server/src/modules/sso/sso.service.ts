import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../http/errors.js';
import { normalizeEmail } from '../../lib/email-address.js';
import { hashToken, newToken } from '../../lib/tokens.js';
import { recordAudit } from '../audit/audit.service.js';
import { findVerifiedDomain } from '../domains/domains.service.js';
import { authorizationUrl, discover, exchangeCode, newFlow } from './oidc.js';
import { openSecret, sealSecret } from './secret-box.js';
import { linkIdentity, signInWithClaims } from './sso-jit.js';
import * as repo from './sso.repo.js';

// Single sign-on (OpenID Connect, issue 16): an organization's connections, home-realm discovery from
// an email address, and the sign-in flow (authorization code + PKCE + state + nonce, the state bound
// to the browser by a cookie and used once).

type Actor = { id: string; email: string; ip?: string };
export type ConnectionInput = {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes?: string;
  nameClaim?: string;
  localeClaim?: string;
  groupsClaim?: string | null;
  groupMap?: Record<string, string[]>;
  defaultRole?: 'learner' | 'guest';
  defaultGroupIds?: string[];
  domainIds?: string[];
};

const LOGIN_TTL_MS = 10 * 60_000;
export const callbackUrl = (ctx: AppContext) => `${ctx.config.appUrl}/api/v1/auth/sso/callback`;

const failed = (reason: string) =>
  new AppError(400, 'sso_failed', `Single sign-on did not complete: ${reason} Nothing was changed; try again from the sign-in page.`, {
    reason,
  });

const secretOf = (ctx: AppContext, c: repo.Connection) => {
  const secret = openSecret(c.clientSecretSealed, ctx.config.sso.secretsKey);
  if (secret === null) throw failed('the client secret cannot be read (the secrets key changed); enter it again.');
  return secret;
};

async function configOf(ctx: AppContext, c: { issuer: string; clientId: string; scopes: string }, secret: string) {
  return discover({ ...c, clientSecret: secret }, ctx.config.sso.allowInsecureIssuers);
}

export async function listConnections(ctx: AppContext, orgId: string) {
  const [rows, domains] = await Promise.all([repo.listConnections(ctx.db, orgId), repo.connectionDomains(ctx.db, orgId)]);
  return rows.map((c) => present(ctx, c, domains));
}

export function present(ctx: AppContext, c: repo.Connection, domains: Awaited<ReturnType<typeof repo.connectionDomains>>) {
  return {
    id: c.id,
    name: c.name,
    issuer: c.issuer,
    clientId: c.clientId,
    hasClientSecret: true,
    scopes: c.scopes,
    nameClaim: c.nameClaim,
    localeClaim: c.localeClaim,
    groupsClaim: c.groupsClaim,
    groupMap: c.groupMap,
    defaultRole: c.defaultRole as 'learner' | 'guest',
    defaultGroupIds: c.defaultGroupIds,
    domains: domains.filter((d) => d.connectionId === c.id).map((d) => ({ id: d.id, domain: d.domain, enforced: d.enforced })),
    redirectUri: callbackUrl(ctx),
    createdAt: new Date(c.createdAt).toISOString(),
  };
}

async function checkGroups(ctx: AppContext, orgId: string, o: Partial<ConnectionInput>) {
  const ids = [...(o.defaultGroupIds ?? []), ...Object.values(o.groupMap ?? {}).flat()];
  const known = new Set(await repo.orgGroupIds(ctx.db, orgId, ids));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length)
    throw new AppError(422, 'unknown_group', 'Some groups of the mapping do not exist in this organization.', {
      fields: { groupMap: 'Unknown group.' },
      groupIds: unknown,
    });
}

/** Adds a connection after checking the issuer's discovery document: nothing is stored when it does not answer. */
export async function createConnection(ctx: AppContext, o: { actor: Actor; orgId: string; input: ConnectionInput }) {
  const { domainIds, clientSecret, ...v } = o.input;
  await checkGroups(ctx, o.orgId, v);
  await configOf(ctx, { issuer: v.issuer, clientId: v.clientId, scopes: v.scopes ?? 'openid' }, clientSecret);
  const conn = await ctx.db.transaction(async (tx) => {
    const row = await repo.insertConnection(tx, o.orgId, { ...v, clientSecretSealed: sealSecret(clientSecret, ctx.config.sso.secretsKey) });
    if (domainIds) await repo.attachDomains(tx, o.orgId, row.id, domainIds);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'sso.connection_created',
      targetType: 'sso_connection',
      targetId: row.id,
      ip: o.actor.ip,
      data: { issuer: v.issuer, clientId: v.clientId, domainIds: domainIds ?? [] },
    });
    return row;
  });
  return present(ctx, conn, await repo.connectionDomains(ctx.db, o.orgId));
}

export async function updateConnection(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; connectionId: string; input: Partial<ConnectionInput> },
) {
  const cur = await repo.findConnection(ctx.db, o.orgId, o.connectionId);
  if (!cur) throw notFound('Connection');
  const { domainIds, clientSecret, ...v } = o.input;
  await checkGroups(ctx, o.orgId, v);
  if (v.issuer || v.clientId || clientSecret)
    await configOf(
      ctx,
      { issuer: v.issuer ?? cur.issuer, clientId: v.clientId ?? cur.clientId, scopes: cur.scopes },
      clientSecret ?? secretOf(ctx, cur),
    );
  await ctx.db.transaction(async (tx) => {
    await repo.updateConnection(tx, o.orgId, o.connectionId, {
      ...v,
      ...(clientSecret ? { clientSecretSealed: sealSecret(clientSecret, ctx.config.sso.secretsKey) } : {}),
    });
    if (domainIds) await repo.attachDomains(tx, o.orgId, o.connectionId, domainIds);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'sso.connection_updated',
      targetType: 'sso_connection',
      targetId: o.connectionId,
      ip: o.actor.ip,
      data: { fields: Object.keys(o.input).filter((k) => k !== 'clientSecret') },
    });
  });
  const row = await repo.findConnection(ctx.db, o.orgId, o.connectionId);
  return present(ctx, row as repo.Connection, await repo.connectionDomains(ctx.db, o.orgId));
}

export async function deleteConnection(ctx: AppContext, o: { actor: Actor; orgId: string; connectionId: string }) {
  await ctx.db.transaction(async (tx) => {
    if (!(await repo.deleteConnection(tx, o.orgId, o.connectionId))) throw notFound('Connection');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'sso.connection_deleted',
      targetType: 'sso_connection',
      targetId: o.connectionId,
      ip: o.actor.ip,
    });
  });
}

/** Home-realm discovery: the connection an address's verified domain signs in with, or null (password). */
export async function connectionForEmail(ctx: AppContext, email: string) {
  const addr = normalizeEmail(email);
  if (!addr) return null;
  const domain = await findVerifiedDomain(ctx.db, addr.domain);
  if (!domain?.ssoConnectionId) return null;
  const conn = await repo.connectionById(ctx.db, domain.ssoConnectionId);
  if (!conn || conn.orgId !== domain.orgId) return null;
  const org = await repo.orgOf(ctx.db, conn.orgId);
  return { conn, orgName: org?.name ?? '', enforced: domain.ssoEnforced, orgId: domain.orgId };
}

/** The organization's (first) connection, for "Sign in with <organization>" on its join and invitation pages. */
export async function connectionForOrg(ctx: AppContext, slug: string) {
  const org = await repo.orgBySlug(ctx.db, slug);
  if (!org) return null;
  const [conn] = await repo.listConnections(ctx.db, org.id);
  return conn ? { conn, orgName: org.name } : null;
}

export async function connectionInOrg(ctx: AppContext, orgId: string, connectionId: string) {
  const conn = await repo.findConnection(ctx.db, orgId, connectionId);
  if (!conn) throw notFound('Connection');
  return conn;
}

/**
 * Starts a sign-in: the provider's authorization URL, and the browser token the caller puts in a
 * cookie (its hash is stored with the state: a state returned to another browser is refused).
 */
export async function startLogin(
  ctx: AppContext,
  o: { conn: repo.Connection; mode: 'sign_in' | 'test' | 'link'; accountId?: string; loginHint?: string },
) {
  const config = await configOf(ctx, o.conn, secretOf(ctx, o.conn));
  const flow = newFlow();
  const browserToken = newToken(32);
  await repo.insertLogin(ctx.db, {
    stateHash: hashToken(flow.state),
    connectionId: o.conn.id,
    mode: o.mode,
    accountId: o.accountId ?? null,
    browserHash: hashToken(browserToken),
    codeVerifier: flow.codeVerifier,
    nonce: flow.nonce,
    expiresAt: new Date(ctx.clock.now().getTime() + LOGIN_TTL_MS).toISOString(),
  });
  const url = await authorizationUrl(config, { ...flow, scopes: o.conn.scopes, redirectUri: callbackUrl(ctx), loginHint: o.loginHint });
  return { url, browserToken };
}

/**
 * The provider sent the browser back: the state is taken once and must belong to this browser; the code
 * is exchanged (PKCE, nonce, ID token checked by openid-client); then the mode's work, in one transaction.
 */
export async function completeLogin(ctx: AppContext, o: { query: Record<string, string>; browserToken?: string; ip?: string }) {
  if (o.query.error) throw failed(`the identity provider answered “${String(o.query.error).slice(0, 100)}”.`);
  const state = o.query.state;
  if (!state || !o.query.code) throw failed('the answer has no code or no state.');
  const login = await repo.takeLogin(ctx.db, hashToken(state));
  if (!login) throw failed('this sign-in link was already used or is unknown.');
  if (!o.browserToken || hashToken(o.browserToken) !== login.browserHash)
    throw failed('this sign-in was started in another browser or session.');
  if (new Date(login.expiresAt).getTime() < ctx.clock.now().getTime()) throw failed('this sign-in took too long.');
  const conn = await repo.connectionById(ctx.db, login.connectionId);
  if (!conn) throw failed('the connection was removed.');
  const config = await configOf(ctx, conn, secretOf(ctx, conn));
  const url = new URL(callbackUrl(ctx));
  for (const [k, v] of Object.entries(o.query)) url.searchParams.set(k, v);
  let claims: Record<string, unknown>;
  try {
    claims = await exchangeCode(config, url, { state, nonce: login.nonce, codeVerifier: login.codeVerifier });
  } catch (err) {
    throw failed(`the identity provider refused the code (${err instanceof Error ? err.message.slice(0, 120) : 'error'}).`);
  }
  const now = ctx.clock.now();
  if (login.mode === 'test') {
    await repo.storeTestClaims(ctx.db, login.stateHash, claims);
    return { mode: 'test' as const, orgId: conn.orgId, connectionId: conn.id, accountId: login.accountId };
  }
  const result = await ctx.db.transaction(async (tx) => {
    if (login.mode === 'link' && login.accountId) await linkIdentity(tx, { conn, claims, accountId: login.accountId, ip: o.ip });
    return signInWithClaims(tx, ctx.jobs, { conn, claims, now, ip: o.ip });
  });
  return { mode: login.mode as 'sign_in' | 'link', orgId: conn.orgId, connectionId: conn.id, ...result };
}

export async function lastTestClaims(ctx: AppContext, o: { orgId: string; connectionId: string; accountId: string }) {
  await connectionInOrg(ctx, o.orgId, o.connectionId);
  return repo.lastTest(ctx.db, o.connectionId, o.accountId);
}
