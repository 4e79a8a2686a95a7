import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import { findVerifiedDomain } from '../domains/domains.service.js';
import { isOwner, orgOf } from './sso.repo.js';

// Enforcement (issue 16): where a verified domain makes single sign-on compulsory, its addresses may
// not sign in or reset with a password — except the organization's owners (break-glass).

/** Refuses (403 sso_required) a password sign-in or reset for an address at a domain enforcing SSO, unless the account owns that organization. */
export async function assertPasswordAllowed(db: Db, o: { domain: string; accountId: string | null }): Promise<void> {
  const domain = await findVerifiedDomain(db, o.domain);
  if (!domain?.ssoEnforced || !domain.ssoConnectionId) return;
  if (o.accountId && (await isOwner(db, domain.orgId, o.accountId))) return;
  const org = await orgOf(db, domain.orgId);
  throw new AppError(
    403,
    'sso_required',
    `Your organization signs you in with single sign-on. Use “Sign in with ${org?.name ?? 'your organization'}”.`,
    { org: org?.name ?? '' },
  );
}
