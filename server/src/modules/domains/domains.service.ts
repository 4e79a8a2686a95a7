import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { AuthAccount } from '../../http/auth.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import { newToken } from '../../lib/tokens.js';
import { recordAudit } from '../audit/audit.service.js';
import { requireGroups } from '../members/members.service.js';
import { lookupTxt, recordValue } from './dns-check.js';
import { normalizeDomain } from './domain-name.js';
import * as repo from './domains.repo.js';
import { isPublicMailDomain } from './public-mail-domains.js';

export { isPublicMailDomain } from './public-mail-domains.js';
export { normalizeDomain } from './domain-name.js';

export type DomainPolicy = 'none' | 'suggest' | 'auto_join';
type Actor = AuthAccount & { ip?: string };
type OrgDomain = repo.OrgDomain;

/** What a verified domain lets happen, for sign-in (SSO), registration and the home page. */
export type VerifiedDomain = {
  orgId: string;
  domainId: string;
  policy: DomainPolicy;
  groupIds: string[];
  ssoEnforced: boolean;
  ssoConnectionId: string | null;
};

/**
 * The organization that verified a domain (an email address's domain, normalised here: case, punycode,
 * trailing dot), or null when none has. Takes a database or a transaction, like `recordAudit`, so the
 * sign-in and join paths can ask inside their own transaction.
 */
export async function findVerifiedDomain(db: Db, domain: string): Promise<VerifiedDomain | null> {
  const name = normalizeDomain(domain);
  if (!name) return null;
  const row = await repo.findVerified(db, name);
  if (!row) return null;
  return {
    orgId: row.orgId,
    domainId: row.id,
    policy: row.policy as DomainPolicy,
    groupIds: row.groupIds,
    ssoEnforced: row.ssoEnforced,
    ssoConnectionId: row.ssoConnectionId,
  };
}

/** A domain as the settings page shows it, with the TXT record to create. */
export function presentDomain(d: OrgDomain) {
  return {
    id: d.id,
    domain: d.domain,
    verificationRecord: { type: 'TXT' as const, name: d.domain, value: recordValue(d.verificationToken) },
    verifiedAt: d.verifiedAt ? new Date(d.verifiedAt).toISOString() : null,
    lastCheckedAt: d.lastCheckedAt ? new Date(d.lastCheckedAt).toISOString() : null,
    policy: d.policy as DomainPolicy,
    groupIds: d.groupIds,
    sso: { enforced: d.ssoEnforced, connectionId: d.ssoConnectionId },
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

const taken = (domain: string) =>
  conflict('domain_taken', `Another organization has verified ${domain}. A domain can be verified by one organization only.`, {
    domain,
  });

/** The organization's domains, verified or not. */
export async function listOrgDomains(ctx: AppContext, o: { orgId: string }) {
  return (await repo.listDomains(ctx.db, o.orgId)).map(presentDomain);
}

/** Claims a domain: normalised, not a public mail provider's, not verified by another organization. */
export async function addDomain(ctx: AppContext, o: { actor: Actor; orgId: string; domain: string }) {
  const domain = normalizeDomain(o.domain);
  if (!domain)
    throw new AppError(422, 'invalid_domain', `Not a domain: ${o.domain.trim()}. Write a domain such as example.com.`, {
      fields: { domain: 'Write a domain such as example.com.' },
      domain: o.domain.trim(),
    });
  if (isPublicMailDomain(domain))
    throw new AppError(
      422,
      'public_mail_domain',
      `${domain} is a public mail provider: anyone can have an address there, so no organization can claim it.`,
      { fields: { domain: 'A public mail provider cannot be claimed.' }, domain },
    );
  const verified = await repo.findVerified(ctx.db, domain);
  if (verified && verified.orgId !== o.orgId) throw taken(domain);
  return ctx.db.transaction(async (tx) => {
    const row = await repo.insertDomain(tx, { orgId: o.orgId, domain, verificationToken: newToken(24), createdBy: o.actor.id });
    if (!row) throw conflict('domain_exists', `${domain} is already in your list.`, { fields: { domain: 'Already added.' }, domain });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'domain.added',
      targetType: 'domain',
      targetId: row.id,
      ip: o.actor.ip,
      data: { domain },
    });
    return presentDomain(row);
  });
}

/** Checks the TXT record now: 200 with the domain verified, or 422 `domain_not_verified` with what DNS answered. */
export async function verifyDomain(ctx: AppContext, o: { actor: Actor; orgId: string; domainId: string }) {
  const current = await repo.findDomain(ctx.db, o.orgId, o.domainId);
  if (!current) throw notFound('Domain');
  const other = await repo.findVerified(ctx.db, current.domain);
  if (other && other.orgId !== o.orgId) throw taken(current.domain);
  const expected = recordValue(current.verificationToken);
  const found = await lookupTxt(ctx.config, current.domain);
  const ok = found.values.includes(expected);
  const now = ctx.clock.now().toISOString();
  const row = await ctx.db
    .transaction(async (tx) => {
      const locked = await repo.findDomain(tx, o.orgId, o.domainId, true);
      if (!locked) throw notFound('Domain');
      const wasVerified = locked.verifiedAt !== null;
      const updated = await repo.updateDomain(tx, o.orgId, o.domainId, {
        lastCheckedAt: now,
        verifiedAt: ok ? (locked.verifiedAt ?? now) : null,
      });
      if (ok !== wasVerified)
        await recordAudit(tx, {
          orgId: o.orgId,
          actor: o.actor,
          action: ok ? 'domain.verified' : 'domain.unverified',
          targetType: 'domain',
          targetId: o.domainId,
          ip: o.actor.ip,
          data: { domain: locked.domain, found: found.values.slice(0, 20) },
        });
      return updated;
    })
    .catch((err) => {
      if (isUniqueViolation(err)) throw taken(current.domain);
      throw err;
    });
  if (!ok)
    throw new AppError(
      422,
      'domain_not_verified',
      `No TXT record “${expected}” was found at ${current.domain}. Create it at your DNS provider; changes can take a while to show.`,
      {
        domain: current.domain,
        expected: { type: 'TXT', name: current.domain, value: expected },
        found: found.values.slice(0, 20),
        reason: found.error ?? 'record_mismatch',
      },
    );
  return presentDomain(row!);
}

/** Sets the policy, default groups and SSO enforcement of a verified domain (409 before verification). */
export async function updateDomainPolicy(
  ctx: AppContext,
  o: { actor: Actor; orgId: string; domainId: string; policy: DomainPolicy; groupIds?: string[]; sso?: { enforced: boolean } },
) {
  const groupIds = o.groupIds === undefined ? undefined : await requireGroups(ctx, o.orgId, o.groupIds);
  return ctx.db.transaction(async (tx) => {
    const current = await repo.findDomain(tx, o.orgId, o.domainId, true);
    if (!current) throw notFound('Domain');
    if (!current.verifiedAt)
      throw conflict('domain_not_verified_yet', `Verify ${current.domain} before choosing what it allows.`, { domain: current.domain });
    if (o.sso?.enforced && !current.ssoConnectionId)
      throw new AppError(422, 'sso_connection_required', 'Connect single sign-on for this domain before making it compulsory.', {
        fields: { sso: 'No single sign-on connection for this domain.' },
      });
    const row = await repo.updateDomain(tx, o.orgId, o.domainId, {
      policy: o.policy,
      ...(groupIds ? { groupIds } : {}),
      ...(o.sso ? { ssoEnforced: o.sso.enforced } : {}),
    });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'domain.updated',
      targetType: 'domain',
      targetId: o.domainId,
      ip: o.actor.ip,
      data: {
        domain: current.domain,
        policy: o.policy,
        groupIds: row?.groupIds,
        ssoEnforced: row?.ssoEnforced,
        previous: { policy: current.policy },
      },
    });
    return presentDomain(row!);
  });
}

/** Removes a domain: its policy stops at once (join requests already made stay in the queue). */
export async function removeDomain(ctx: AppContext, o: { actor: Actor; orgId: string; domainId: string }) {
  await ctx.db.transaction(async (tx) => {
    const row = await repo.deleteDomain(tx, o.orgId, o.domainId);
    if (!row) throw notFound('Domain');
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'domain.removed',
      targetType: 'domain',
      targetId: row.id,
      ip: o.actor.ip,
      data: { domain: row.domain },
    });
  });
}

/**
 * The daily re-check: each verified domain not checked for 20 hours is looked up again; one whose record
 * is gone is marked unverified (and audited). A DNS failure changes nothing. Safe to run twice.
 */
export async function recheckDomains(ctx: AppContext): Promise<{ checked: number; unverified: number }> {
  const before = new Date(ctx.clock.now().getTime() - 20 * 3600_000);
  let checked = 0;
  let unverified = 0;
  for (;;) {
    const due = await repo.verifiedDueForCheck(ctx.db, before, 100);
    if (due.length === 0) break;
    for (const d of due) {
      const row = await repo.findDomain(ctx.db, d.orgId, d.id);
      if (!row?.verifiedAt) continue;
      const found = await lookupTxt(ctx.config, row.domain);
      const now = ctx.clock.now().toISOString();
      if (found.error === 'dns_unreachable') {
        await repo.updateDomain(ctx.db, d.orgId, d.id, { lastCheckedAt: now });
        continue;
      }
      checked++;
      const ok = found.values.includes(recordValue(row.verificationToken));
      await ctx.db.transaction(async (tx) => {
        const locked = await repo.findDomain(tx, d.orgId, d.id, true);
        if (!locked?.verifiedAt) return;
        await repo.updateDomain(tx, d.orgId, d.id, { lastCheckedAt: now, ...(ok ? {} : { verifiedAt: null }) });
        if (ok) return;
        unverified++;
        await recordAudit(tx, {
          orgId: d.orgId,
          action: 'domain.unverified',
          targetType: 'domain',
          targetId: d.id,
          data: { domain: locked.domain, reason: found.error ?? 'record_mismatch', found: found.values.slice(0, 20), by: 'daily_check' },
        });
      });
    }
  }
  return { checked, unverified };
}
