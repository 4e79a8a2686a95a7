import type { AppContext } from '../../context.js';
import { fieldFilterSql } from '../profile-fields/fields.service.js';
import * as repo from './members.repo.js';

export type { MemberRow } from './members.repo.js';

type Query = { field?: string; fieldValue?: string };

/** issue 15: `field` + `fieldValue` → a predicate on that field (members only). */
async function withFieldFilter<F extends repo.MemberFilters & Query>(ctx: Pick<AppContext, 'db'>, f: F): Promise<F> {
  if (!f.field) return f;
  return { ...f, fieldFilter: await fieldFilterSql(ctx.db, { orgId: f.orgId, key: f.field, value: f.fieldValue ?? '' }) };
}

/** One page of the people list: members and invitees, within the viewer's groups for a limited manager. */
export async function listMembers(ctx: Pick<AppContext, 'db'>, f: repo.MemberFilters & Query & { limit: number; cursor?: string }) {
  return repo.listMembers(ctx.db, await withFieldFilter(ctx, f));
}

/** How many people per status match the filters (the status tabs). */
export async function countMembers(ctx: Pick<AppContext, 'db'>, f: repo.MemberFilters & Query) {
  return repo.countMembers(ctx.db, await withFieldFilter(ctx, f));
}
