import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import { canManageMember, ROLES } from '../../http/permissions.js';
import { uuidArray, queryRows } from '../../lib/sql.js';
import {
  type ArchivePlan,
  archivePlan,
  type BlankCells,
  changeCounts,
  computeChanges,
  DEFAULT_ARCHIVE_THRESHOLD_PERCENT,
  type SyncMode,
  type SyncSettings,
} from './sync.js';

// What an import in mode "update" or "sync" will do, as the preview shows it and the approval checks it.

/** The sync choices an import keeps in its options. */
export type SyncOptions = { blankCells?: BlankCells; syncScope?: { groupIds: string[] } | null; archiveThresholdPercent?: number };

type ImportLike = { id: string; orgId: string; syncMode: string; options: unknown; columns: unknown };

/** The settings of one import for one acting person (their own membership and those above them are never touched). */
export function syncSettingsOf(imp: ImportLike, actor: { id: string | null; role: string }): SyncSettings {
  const opts = (imp.options ?? {}) as SyncOptions;
  const cols = (imp.columns ?? {}) as { matched?: Record<string, number>; fields?: Record<string, number> };
  const matched = cols.matched ?? {};
  const fieldKeys = Object.keys(cols.fields ?? {});
  return {
    syncMode: (imp.syncMode as SyncMode) ?? 'add',
    blankCells: opts.blankCells ?? 'keep',
    scopeGroupIds: opts.syncScope?.groupIds ?? [],
    present: new Set([...Object.keys(matched), ...fieldKeys.map((k) => `fields.${k}`)]),
    fieldKeys,
    actorId: actor.id,
    manageableRoles: ROLES.filter((r) => r !== 'owner' && canManageMember(actor.role, r)),
  };
}

export const thresholdOf = (imp: ImportLike) =>
  ((imp.options ?? {}) as SyncOptions).archiveThresholdPercent ?? DEFAULT_ARCHIVE_THRESHOLD_PERCENT;

/** The preview's change figures: new, updated, unchanged, and (sync) how many would be archived. */
export type ChangeFigures = {
  new: number;
  updated: number;
  unchanged: number;
  toArchive: number;
  membersInScope: number;
  archivePercent: number;
  overThreshold: boolean;
};

/** Computes each row's change and the counts, against the organization as it is now. */
export async function planChanges(tx: Db, imp: ImportLike, settings: SyncSettings): Promise<ChangeFigures> {
  await computeChanges(tx, settings, { importId: imp.id, orgId: imp.orgId });
  const c = await changeCounts(tx, imp.id);
  const plan = await archivePlan(tx, settings, { importId: imp.id, orgId: imp.orgId, thresholdPercent: thresholdOf(imp) });
  return { ...c, toArchive: plan.toArchive, membersInScope: plan.members, archivePercent: plan.percent, overThreshold: plan.overThreshold };
}

/** Refuses (422) a sync over its threshold unless the number of people to archive was typed exactly. */
export function requireArchiveConfirmation(plan: ArchivePlan, thresholdPercent: number, confirmArchiveCount: number | undefined): void {
  if (!plan.overThreshold || confirmArchiveCount === plan.toArchive) return;
  const details = { toArchive: plan.toArchive, members: plan.members, percent: plan.percent, threshold: thresholdPercent };
  if (confirmArchiveCount === undefined)
    throw new AppError(
      422,
      'archive_confirmation_required',
      `This sync would archive ${plan.toArchive} of ${plan.members} members (${plan.percent} %), more than ${thresholdPercent} %. To approve, send confirmArchiveCount: ${plan.toArchive}.`,
      details,
    );
  throw new AppError(
    422,
    'archive_count_mismatch',
    `The number typed (${confirmArchiveCount}) is not the number of members this sync would archive (${plan.toArchive}).`,
    { ...details, typed: confirmArchiveCount },
  );
}

/** The groups a sync is limited to must be the organization's (422 naming the unknown ones). */
export async function checkScopeGroups(tx: Db, orgId: string, groupIds: string[]): Promise<void> {
  if (!groupIds.length) return;
  const found = await queryRows<{ id: string }>(
    tx,
    sql`SELECT id FROM groups WHERE org_id = ${orgId} AND id = ANY(${uuidArray(groupIds)})`,
  );
  const known = new Set(found.map((g) => g.id));
  const missing = groupIds.filter((g) => !known.has(g));
  if (missing.length)
    throw new AppError(422, 'unknown_scope_group', 'A group of the sync scope does not exist.', {
      fields: { syncScope: 'A group of the sync scope does not exist.' },
      groupIds: missing,
    });
}
