import { sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { AppError, notFound } from '../../http/errors.js';
import type { JobQueue } from '../../jobs/queue.js';
import { normalizeEmail } from '../../lib/email-address.js';
import { queryRows } from '../../lib/sql.js';
import { findAccount } from '../accounts/accounts.service.js';
import { admitProvenAddress } from '../admission/admission.service.js';
import { findVerifiedDomain, type VerifiedDomain } from '../domains/domains.service.js';
import { membershipStatus } from '../members/membership.service.js';
import { recordEvent } from '../webhooks/events.service.js';
import { assertRequestAllowed, createJoinRequest } from './join-requests.service.js';

// "Join <organization>?": a person with a verified address at a domain an organization verified, with
// the policy `suggest` (they may ask) or `auto_join` (they join at once, as a learner in its groups).

type Account = { id: string; email: string; emailKey: string; verifiedAt: string | null };

/** The domain policy that applies to an account: verified address, verified domain with a policy, not yet a member. */
async function applicable(db: Db, account: Account, orgId?: string): Promise<VerifiedDomain | null> {
  if (!account.verifiedAt) return null;
  const addr = normalizeEmail(account.email);
  if (!addr) return null;
  const domain = await findVerifiedDomain(db, addr.domain);
  if (!domain || domain.policy === 'none' || (orgId && domain.orgId !== orgId)) return null;
  if ((await membershipStatus(db, domain.orgId, account.id)) !== null) return null;
  return domain;
}

/** Organizations the signed-in person may join or ask to join through their address's domain. */
export async function listSuggestedOrgs(ctx: AppContext, o: { accountId: string }) {
  const account = await findAccount(ctx, o.accountId);
  if (!account) return { items: [] };
  const domain = await applicable(ctx.db, account);
  if (!domain) return { items: [] };
  const [row] = await queryRows<{ name: string; requestId: string | null }>(
    ctx.db,
    sql`SELECT o.name, (SELECT r.id FROM join_requests r WHERE r.org_id = o.id AND r.email_key = ${account.emailKey} AND r.status = 'pending') AS "requestId"
        FROM organizations o WHERE o.id = ${domain.orgId}`,
  );
  if (!row) return { items: [] };
  return {
    items: [
      {
        orgId: domain.orgId,
        orgName: row.name,
        domain: normalizeEmail(account.email)!.domain,
        policy: domain.policy as 'suggest' | 'auto_join',
        requestPending: row.requestId !== null,
      },
    ],
  };
}

/** Joins (auto_join) or asks to join (suggest) an organization of the person's verified domain. */
export async function joinSuggestedOrg(
  ctx: AppContext,
  o: { accountId: string; orgId: string; ip?: string; locale?: string },
): Promise<{ status: 'joined' | 'pending_approval'; orgId: string }> {
  const account = await findAccount(ctx, o.accountId);
  if (!account) throw notFound('Account');
  const domain = await applicable(ctx.db, account, o.orgId);
  if (!domain) throw new AppError(404, 'no_domain_suggestion', 'This organization does not offer to join through your address’s domain.');
  if (domain.policy === 'suggest') await assertRequestAllowed(ctx, account.emailKey);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    if (domain.policy === 'auto_join') {
      await admitByDomain(tx, { account, domain, now, jobs: ctx.jobs, ip: o.ip });
      return { status: 'joined' as const, orgId: domain.orgId };
    }
    await createJoinRequest(tx, {
      orgId: domain.orgId,
      account,
      source: 'domain',
      domainId: domain.domainId,
      locale: account.locale ?? o.locale,
      ip: o.ip,
      now,
    });
    return { status: 'pending_approval' as const, orgId: domain.orgId };
  });
}

async function admitByDomain(
  tx: Db,
  o: { account: Account; domain: VerifiedDomain; now: Date; jobs: JobQueue; ip?: string },
): Promise<void> {
  const admitted = await admitProvenAddress(tx, {
    address: { email: o.account.email, emailKey: o.account.emailKey },
    person: { kind: 'account', account: o.account },
    grant: { orgId: o.domain.orgId, role: 'learner', source: 'domain', groupIds: o.domain.groupIds, archived: 'refuse' },
    proof: { action: 'domain.joined', targetType: 'domain', targetId: o.domain.domainId, ip: o.ip },
    now: o.now,
    jobs: o.jobs,
  });
  if (admitted.newMember)
    await recordEvent(tx, o.jobs, o.domain.orgId, 'member.joined', {
      accountId: admitted.accountId,
      role: admitted.role,
      groupIds: o.domain.groupIds,
      source: 'domain',
    });
}

/**
 * Called when an account's address is verified (registration): with an `auto_join` domain, the person
 * joins at once inside the verification's transaction; `suggest` waits for them to ask from their home.
 */
export async function applyDomainPolicyOnVerification(
  tx: Db,
  o: { account: Account; now: Date; jobs: JobQueue; ip?: string },
): Promise<void> {
  const domain = await applicable(tx, o.account);
  if (domain?.policy === 'auto_join') await admitByDomain(tx, { ...o, domain });
}
