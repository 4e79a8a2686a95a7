import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { invitations } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { findGroupImage } from '../groups/group-images.service.js';
import { effectiveStatus, findByToken, type Invitation, issueTokens } from './invitations.repo.js';

// The links an invitation row stands behind (email and session invitations, join-page verification
// links): what they are in the database and what state they are in. The join page reads its own links
// through these functions.

export type { Invitation } from './invitations.repo.js';

/** What a link says to the person who opens it. */
export type LinkState = 'open' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'replaced';

/** The state of a link: accepted, replaced by a newer link, still open, or closed. */
export function linkState(inv: Pick<Invitation, 'status' | 'expiresAt'>, replaced: boolean, now: Date): LinkState {
  const s = effectiveStatus(inv, now);
  if (s === 'active') return 'accepted';
  if (replaced) return 'replaced';
  if (s === 'prospect' || s === 'pending') return 'open';
  return s as LinkState;
}

/** The invitation behind a link and whether a newer link replaced it; `lock` holds the row to the end of the transaction. */
export const findLink = (db: Db, token: string, opts: { lock?: boolean } = {}) => findByToken(db, token, opts);

/** Issues a fresh link for each invitation (only hashes are stored) and retires older links. */
export const issueLinks = (tx: Db, invitationIds: string[]) => issueTokens(tx, invitationIds);

/** The link was used: the invitation is accepted by this account. */
export async function markLinkAccepted(tx: Db, o: { invitationId: string; accountId: string; now: Date }): Promise<void> {
  await tx
    .update(invitations)
    .set({ status: 'active', acceptedAt: o.now.toISOString(), accountId: o.accountId, updatedAt: sql`now()` })
    .where(eq(invitations.id, o.invitationId));
}

/** The logo of a group an invitation offers (for the invitation page, no sign-in); any other is not found. */
export async function linkGroupLogo(ctx: Pick<AppContext, 'db'>, o: { token: string; groupId: string }) {
  const found = await findByToken(ctx.db, o.token);
  if (!found?.invitation.groupIds.includes(o.groupId)) throw new AppError(404, 'not_found', 'Logo not found.');
  return findGroupImage(ctx, { orgId: found.invitation.orgId, groupId: o.groupId, kind: 'logo' });
}

/** The link's email was delivered: prospect → pending. */
export async function markLinkMailSent(db: Db, invitationId: string): Promise<void> {
  await db
    .update(invitations)
    .set({ status: 'pending', sentAt: sql`now()`, lastError: null, updatedAt: sql`now()` })
    .where(and(eq(invitations.id, invitationId), eq(invitations.status, 'prospect')));
}

/** The link's email could not be delivered (yet): the error is kept for the invitations page. */
export async function markLinkMailFailed(db: Db, invitationId: string, error: string): Promise<void> {
  await db
    .update(invitations)
    .set({ lastError: error.slice(0, 500), updatedAt: sql`now()` })
    .where(and(eq(invitations.id, invitationId), eq(invitations.status, 'prospect')));
}
