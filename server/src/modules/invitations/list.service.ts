import type { AppContext } from '../../context.js';
import * as repo from './invitations.repo.js';

export { effectiveStatus, type Invitation } from './invitations.repo.js';

/** One page of the organization's invitations (within the viewer's groups for a limited manager), newest first. */
export async function listInvitations(ctx: Pick<AppContext, 'db'>, f: repo.InvitationFilters) {
  return repo.listInvitations(ctx.db, f);
}

/** How many invitations of each status match the filters (the status tabs). */
export async function countInvitations(ctx: Pick<AppContext, 'db'>, f: Parameters<typeof repo.countInvitations>[1]) {
  return repo.countInvitations(ctx.db, f);
}
