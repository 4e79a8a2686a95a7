import type { AppContext } from '../../context.js';
import { AppError } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import * as repo from './imports.repo.js';
import { listArchiveCandidates } from './sync.js';
import { syncSettingsOf } from './sync-plan.js';
import { sql } from 'drizzle-orm';
import { queryCount } from '../../lib/sql.js';
import { getSeats } from '../seats/seats.service.js';

type Ctx = Pick<AppContext, 'db' | 'storage'>;

/** An import of the organization as the API presents it; another organization's is not found. */
export async function getImport(ctx: Ctx, orgId: string, importId: string) {
  return repo.presentImport(await repo.findImport(ctx.db, orgId, importId));
}

/** The organization's imports, newest first. */
export async function listImports(ctx: Ctx, o: { orgId: string; limit: number; cursor?: string }) {
  const res = await repo.listImports(ctx.db, o);
  return { items: res.items.map(repo.presentImport), nextCursor: res.nextCursor };
}

/** One page of an import's rows; unknown group names carry the suggestion made at preview. */
export async function listImportRows(
  ctx: Ctx,
  o: {
    orgId: string;
    importId: string;
    limit: number;
    cursor?: string;
    outcome?: string;
    result?: string;
    change?: 'new' | 'updated' | 'unchanged';
  },
) {
  const { orgId, ...q } = o;
  const imp = await getImport(ctx, orgId, o.importId);
  return repo.listRows(ctx.db, { ...q, importId: imp.id }, new Map(imp.unknownGroups.map((u) => [u.name, u.suggestion])));
}

/** The import with its first 100 rows: what the preview (and a re-check) answers. */
export async function getPreview(ctx: Ctx, orgId: string, importId: string) {
  const imp = await getImport(ctx, orgId, importId);
  const rows = await listImportRows(ctx, { orgId, importId, limit: 100 });
  return { ...imp, rows: rows.items, seats: await previewSeats(ctx, orgId, importId) };
}

/** With a seat limit: the valid rows of new members whose role takes a seat, and how many of them fit. */
async function previewSeats(ctx: Ctx, orgId: string, importId: string) {
  const seats = await getSeats(ctx.db, orgId);
  if (seats.seatLimit === null) return null;
  const needing = await queryCount(
    ctx.db,
    sql`SELECT count(*)::int AS n FROM import_rows WHERE import_id = ${importId} AND outcome = 'valid' AND NOT already_member
        AND coalesce(role, 'learner') IN ('learner', 'guest')`,
  );
  const free = Math.max(0, seats.seatLimit - seats.seatsUsed);
  return { seatLimit: seats.seatLimit, seatsUsed: seats.seatsUsed, rowsNeedingSeats: needing, rowsThatFit: Math.min(needing, free) };
}

/** The uploaded file of an import; a pasted import has none (404). */
export async function importFile(ctx: Ctx, orgId: string, importId: string) {
  const imp = await repo.findImport(ctx.db, orgId, importId);
  if (!imp.fileKey) throw new AppError(404, 'not_found', 'This import was pasted, not uploaded: there is no file.');
  return { fileName: imp.fileName ?? 'import', bytes: await ctx.storage.get(imp.fileKey) };
}

/** One page of the members a sync would archive now (by account), as the person looking would run it. */
export async function listToArchive(
  ctx: Ctx,
  o: { orgId: string; importId: string; actor: { id: string; role: string }; limit: number; cursor?: string },
) {
  const imp = await repo.findImport(ctx.db, o.orgId, o.importId);
  if (imp.syncMode !== 'sync' || imp.status !== 'preview') return { items: [], nextCursor: null };
  const c = decodeCursor(o.cursor, 1) as [string] | null;
  if (c && !/^[0-9a-f-]{36}$/i.test(String(c[0]))) throw new AppError(400, 'invalid_cursor', 'The cursor is not valid.');
  const settings = syncSettingsOf({ ...imp, orgId: o.orgId }, o.actor);
  const rows = await listArchiveCandidates(ctx.db, settings, { importId: imp.id, orgId: o.orgId, after: c?.[0], limit: o.limit + 1 });
  return toPage(rows, o.limit, (r) => [r.accountId]);
}
