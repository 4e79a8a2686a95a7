import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { toIso } from '../../lib/time.js';
import { queryRows } from '../../lib/sql.js';
import type { z } from 'zod';
import type { OUTCOMES, RESULTS, importOut } from './imports.schemas.js';
import type { RowMessage } from './rows.repo.js';
import type { ImportCounts, UnknownGroup } from './validate.js';

type ImportOut = z.infer<typeof importOut>;

type ImportRow = {
  id: string;
  status: string;
  mode: string;
  syncMode: string;
  source: string;
  fileName: string | null;
  fileSize: number | null;
  fileKey: string | null;
  counts: (Partial<ImportCounts> & { unknownGroups?: UnknownGroup[] }) | null;
  columns: Partial<ImportOut['columns']> | null;
  options: ImportOut['options'] | null;
  progress: number;
  rowsDone: number;
  result: Record<string, number> | null;
  error: string | null;
  createdById: string | null;
  createdByName: string | null;
  createdByEmail: string | null;
  createdAt: string;
  approvedAt: string | null;
  finishedAt: string | null;
};

const SELECT = sql`SELECT i.id, i.status, i.mode, i.sync_mode AS "syncMode", i.source, i.file_name AS "fileName", i.file_size AS "fileSize", i.file_key AS "fileKey", i.counts, i.columns, i.options,
  i.progress, i.rows_done AS "rowsDone", i.result, i.error, i.created_by AS "createdById", a.name AS "createdByName", a.email AS "createdByEmail",
  i.created_at AS "createdAt", i.approved_at AS "approvedAt", i.finished_at AS "finishedAt"
  FROM imports i LEFT JOIN accounts a ON a.id = i.created_by`;

/** An import as the API presents it. */
export function presentImport(r: ImportRow) {
  const { unknownGroups = [], ...counts } = r.counts ?? {};
  return {
    id: r.id,
    status: r.status as ImportOut['status'],
    mode: r.mode as 'invite' | 'create',
    syncMode: r.syncMode as ImportOut['syncMode'],
    source: r.source as 'file' | 'paste',
    fileName: r.fileName,
    fileSize: r.fileSize,
    counts: { rows: 0, valid: 0, invalid: 0, duplicate: 0, conflict: 0, alreadyMembers: 0, alreadyInvited: 0, ...counts },
    unknownGroups,
    columns: { matched: {}, ignored: [], duplicates: [], ...r.columns },
    options: r.options ?? {},
    progress: r.progress,
    rowsDone: r.rowsDone,
    result: r.result ?? null,
    error: r.error,
    createdBy: { id: r.createdById, name: r.createdByName, email: r.createdByEmail },
    createdAt: toIso(r.createdAt),
    approvedAt: toIso(r.approvedAt),
    finishedAt: toIso(r.finishedAt),
  };
}

export async function findImport(db: Db, orgId: string, importId: string): Promise<ImportRow> {
  const [row] = await queryRows<ImportRow>(db, sql`${SELECT} WHERE i.org_id = ${orgId} AND i.id = ${importId}`);
  if (!row) throw notFound('Import');
  return row;
}

export async function listImports(db: Db, o: { orgId: string; limit: number; cursor?: string }) {
  const c = decodeCursor(o.cursor, 2) as [string, string] | null;
  const rows = await queryRows<ImportRow>(
    db,
    sql`${SELECT} WHERE i.org_id = ${o.orgId} ${c ? sql`AND (i.created_at, i.id) < (${c[0]}::timestamptz, ${c[1]}::uuid)` : sql``} ORDER BY i.created_at DESC, i.id DESC LIMIT ${o.limit + 1}`,
  );
  return toPage(rows, o.limit, (r) => [r.createdAt, r.id]);
}

type RowRow = {
  line: number;
  email: string;
  firstName: string;
  lastName: string;
  groups: string[];
  role: string | null;
  location: string;
  externalId: string;
  outcome: (typeof OUTCOMES)[number];
  alreadyMember: boolean;
  messages: RowMessage[];
  result: (typeof RESULTS)[number] | null;
  resultReason: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
};

const CHANGE_FILTERS = {
  new: sql`AND outcome = 'valid' AND NOT already_member`,
  updated: sql`AND changes IS NOT NULL`,
  unchanged: sql`AND outcome = 'valid' AND already_member AND changes IS NULL`,
};

/** Says, in the statement's text, that the rows asked for are not valid: the index of those rows (migration 0028) then serves any such outcome. */
const NOT_VALID = sql`AND outcome <> 'valid'`;

/** One page of an import's rows (by line), optionally only one outcome or one result. */
export async function listRows(
  db: Db,
  o: { importId: string; limit: number; cursor?: string; outcome?: string; result?: string; change?: 'new' | 'updated' | 'unchanged' },
  suggestions: Map<string, string | null> = new Map(),
) {
  const c = decodeCursor(o.cursor, 1) as [number] | null;
  if (c && typeof c[0] !== 'number') throw new AppError(400, 'invalid_cursor', 'The cursor is not valid.');
  const rows = await queryRows<RowRow>(
    db,
    sql`SELECT line, email, first_name AS "firstName", last_name AS "lastName", group_names AS groups, role, location_text AS location, external_id AS "externalId",
          outcome, already_member AS "alreadyMember", messages, result, result_reason AS "resultReason", changes
        FROM import_rows WHERE import_id = ${o.importId}
          ${o.outcome ? sql`AND outcome = ${o.outcome} ${o.outcome === 'valid' ? sql`` : NOT_VALID}` : sql``} ${o.result ? sql`AND result = ${o.result}` : sql``} ${c ? sql`AND line > ${c[0]}` : sql``}
          ${o.change ? CHANGE_FILTERS[o.change] : sql``}
        ORDER BY line LIMIT ${o.limit + 1}`,
  );
  const page = toPage(rows, o.limit, (r) => [r.line]);
  return {
    ...page,
    items: page.items.map((r) => ({
      ...r,
      messages: r.messages.map(({ stage: _s, ...m }) =>
        m.code === 'unknown_group' ? { ...m, suggestion: (m.value === undefined ? undefined : suggestions.get(m.value)) ?? null } : m,
      ),
    })),
  };
}

/** The rows after a line, by line, with their results: one page of the CSV download. */
export async function rowsAfter(db: Db, importId: string, afterLine: number, limit: number) {
  return queryRows<RowRow>(
    db,
    sql`SELECT line, email, first_name AS "firstName", last_name AS "lastName", group_names AS groups, role, location_text AS location, external_id AS "externalId",
          outcome, already_member AS "alreadyMember", messages, result, result_reason AS "resultReason", changes
        FROM import_rows WHERE import_id = ${importId} AND line > ${afterLine} ORDER BY line LIMIT ${limit}`,
  );
}
