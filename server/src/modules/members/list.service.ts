import type { AppContext } from '../../context.js';
import * as repo from './members.repo.js';

export type { MemberRow } from './members.repo.js';

/** One page of the people list: members and invitees, within the viewer's groups for a limited manager. */
export async function listMembers(ctx: Pick<AppContext, 'db'>, f: repo.MemberFilters & { limit: number; cursor?: string }) {
  return repo.listMembers(ctx.db, f);
}

/** How many people per status match the filters (the status tabs). */
export async function countMembers(ctx: Pick<AppContext, 'db'>, f: repo.MemberFilters) {
  return repo.countMembers(ctx.db, f);
}
