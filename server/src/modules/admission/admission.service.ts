import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { AppError } from '../../http/errors.js';
import { auditAccountEvent, provenAccount } from '../accounts/accounts.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { enrolInSession } from '../enrolments/enrolments.service.js';
import { type JoinSource, joinOrganization, membershipStatus } from '../members/membership.service.js';

// The one way in for a person whose address something has proven: an invitation link, a join-page
// verification link, and later a single sign-on assertion or a SCIM provisioning call. Each of them
// knows how its proof is checked and consumed; all of them let the person in here, the same way.

/** An address someone proved they own (they received a link sent to it, or an identity provider vouches for it). */
export type ProvenAddress = { email: string; emailKey: string };

/** What the proof grants in one organization. */
export type Grant = {
  orgId: string;
  role: string;
  source: JoinSource;
  groupIds: string[];
  locationId?: string | null;
  /** A session the person is enrolled in (a session invitation). */
  sessionId?: string | null;
  /** An archived member comes back when a manager decided it (`restore`: invitation), not on their own (`refuse`: join page). */
  archived: 'restore' | 'refuse';
};

/** Who the person is: the signed-in account (whose address must be the proven one), or an account to make for the address. */
export type Person =
  | { kind: 'account'; account: { id: string; email: string; emailKey: string } }
  | {
      kind: 'register' | 'find-or-create';
      name: string;
      passwordHash: string | null;
      locale?: string;
      signInTo: 'accept' | 'join';
      /** The audit action of the account's creation, e.g. `account.registered_from_invitation`. */
      registeredAction: string;
    };

/** The audit event that says how the person came in (`invitation.accepted`, `joinpage.joined`, …). */
export type Proof = { action: string; targetType: string; targetId: string; ip?: string };

export type Admission = { accountId: string; accountCreated: boolean; newMember: boolean; role: string };

const mismatch = (address: ProvenAddress, email: string) =>
  new AppError(
    403,
    'email_mismatch',
    `This link was sent to ${address.email}, and you are signed in as ${email}. Sign out and continue with ${address.email}.`,
    { invitedEmail: address.email },
  );

/**
 * Lets the person a proof names into an organization, inside the caller's transaction: finds or creates
 * the account (verified: the proof shows the address is theirs), creates or restores the membership
 * (an active member keeps their role), adds them to the groups (their enrolments follow) and to the
 * session, and writes the audit events. The caller consumes its proof in the same transaction.
 */
export async function admitProvenAddress(
  tx: Db,
  o: { address: ProvenAddress; person: Person; grant: Grant; proof: Proof; now: Date; jobs: JobQueue },
): Promise<Admission> {
  const { address, person, grant, now } = o;
  let account: { id: string; email: string; emailKey: string };
  let accountCreated = false;
  if (person.kind === 'account') {
    account = person.account;
    if (account.emailKey !== address.emailKey) throw mismatch(address, account.email);
  } else {
    const found = await provenAccount(tx, { ...address, ...person, mode: person.kind, now });
    account = found.account;
    accountCreated = found.created;
  }
  if (grant.archived === 'refuse' && (await membershipStatus(tx, grant.orgId, account.id)) === 'archived') {
    throw new AppError(403, 'membership_archived', 'Your membership of this organization was archived. Ask your manager to restore it.');
  }
  const joined = await joinOrganization(tx, {
    orgId: grant.orgId,
    accountId: account.id,
    emailKey: account.emailKey,
    role: grant.role,
    source: grant.source,
    groupIds: grant.groupIds,
    now,
    jobs: o.jobs,
  });
  if (grant.sessionId)
    await enrolInSession(tx, { orgId: grant.orgId, sessionId: grant.sessionId, accountId: account.id, now, jobs: o.jobs });
  await recordAudit(tx, {
    orgId: grant.orgId,
    actor: { id: account.id, email: account.email },
    action: o.proof.action,
    targetType: o.proof.targetType,
    targetId: o.proof.targetId,
    ip: o.proof.ip,
    data: { role: joined.role, groupIds: grant.groupIds, locationId: grant.locationId ?? null, newMember: joined.created },
  });
  // After the membership, so the organization's audit log shows where its new member's account came from.
  if (accountCreated && person.kind !== 'account') await auditAccountEvent(tx, account, person.registeredAction, { ip: o.proof.ip });
  return { accountId: account.id, accountCreated, newMember: joined.created, role: joined.role };
}
