import type { AppContext } from '../../context.js';
import { assertInScope, type GroupScope } from '../../http/group-scope.js';
import { notFound } from '../../http/errors.js';
import * as repo from './invitations.repo.js';

export { effectiveStatus, type Invitation } from './invitations.repo.js';

/** One page of the organization's invitations (within the viewer's groups for a limited manager), newest first. */
export async function listInvitations(ctx: Pick<AppContext, 'db'>, f: repo.InvitationFilters) {
  await assertGroupFilter(ctx, f);
  return repo.listInvitations(ctx.db, f);
}

/** How many invitations of each status match the filters (the status tabs). */
export async function countInvitations(ctx: Pick<AppContext, 'db'>, f: Parameters<typeof repo.countInvitations>[1]) {
  await assertGroupFilter(ctx, f);
  return repo.countInvitations(ctx.db, f);
}

/** A group filter names a group of the organization that the viewer may see (a limited manager: theirs); 404 otherwise. */
async function assertGroupFilter(ctx: Pick<AppContext, 'db'>, f: { orgId: string; groupId?: string; scope?: GroupScope }) {
  if (!f.groupId) return;
  if (!(await repo.groupExists(ctx.db, f.orgId, f.groupId))) throw notFound('Group');
  await assertInScope(ctx, f.scope ?? null, { groupId: f.groupId });
}
