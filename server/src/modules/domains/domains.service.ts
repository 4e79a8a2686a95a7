import type { Db } from '../../db/client.js';
import { normalizeDomain } from './domain-name.js';
import { findVerified } from './domains.repo.js';

export { isPublicMailDomain } from './public-mail-domains.js';
export { normalizeDomain } from './domain-name.js';

export type DomainPolicy = 'none' | 'suggest' | 'auto_join';

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
  const row = await findVerified(db, name);
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
