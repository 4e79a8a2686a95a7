import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryCount, queryRows, tsParam, uuidArray } from '../../lib/sql.js';
import { one } from '../../lib/rows.js';
import type { Field } from './parse/headers.js';
import { fieldsJsonSql } from '../profile-fields/fields.service.js';

// Imports that update and sync (issue 15). An import adds only (as before), adds and updates the
// members it names, or syncs (also archives the members it does not name, and makes their group
// memberships the file's). Everything here is a few statements whatever the number of rows.

export const SYNC_MODES = ['add', 'update', 'sync'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];
export type BlankCells = 'keep' | 'clear';
/** Archiving more than this share of the members in scope needs the number typed at approval. */
export const DEFAULT_ARCHIVE_THRESHOLD_PERCENT = 10;

export type SyncSettings = {
  syncMode: SyncMode;
  blankCells: BlankCells;
  /** Sync only these groups' members (empty: the whole organization). */
  scopeGroupIds: string[];
  /** The file's columns: only these are compared and updated. */
  present: ReadonlySet<string>;
  /** The profile fields the file has a column for (their values are compared and set too). */
  fieldKeys: readonly string[];
  /** Never archived, never has their own role changed. */
  actorId: string | null;
  /** Roles the acting person may manage: nobody above is changed or archived. */
  manageableRoles: string[];
};

/**
 * One member field an import compares and updates. `before`/`after` are what the preview shows;
 * `beforeKey`/`afterKey` are compared (default: the shown values). Aliases: r = import_rows,
 * a = accounts, m = memberships, lb = the member's current location. A new column (a profile field)
 * is one more entry here.
 */
type DiffField = {
  key: string;
  columns: readonly (Field | `fields.${string}`)[];
  before: SQL;
  after: SQL;
  beforeKey?: SQL;
  afterKey?: SQL;
  /** The file's cell is blank. */
  blank: SQL;
  /** Blank cells may clear it (policy "clear"); otherwise blank always keeps. */
  clearable: boolean;
  /** Only where this holds (e.g. names of accounts the organization manages). */
  applies?: SQL;
  /** Applying: which table and the assignment, given `clear` (blank and clearing); profile fields go through their service. */
  target: 'accounts' | 'memberships' | 'fields';
  assign: SQL;
};

const DIFF_FIELDS: DiffField[] = [
  {
    key: 'name',
    columns: ['firstName', 'lastName'],
    before: sql`a.name`,
    after: sql`nullif(btrim(r.first_name || ' ' || r.last_name), '')`,
    blank: sql`btrim(r.first_name || ' ' || r.last_name) = ''`,
    clearable: false,
    applies: sql`m.managed`,
    target: 'accounts',
    assign: sql`name = btrim(r.first_name || ' ' || r.last_name)`,
  },
  {
    key: 'role',
    columns: ['role'],
    before: sql`m.role`,
    after: sql`r.role`,
    blank: sql`btrim(r.role_text) = ''`,
    clearable: false,
    applies: sql`r.role IS NOT NULL AND r.role <> 'owner'`,
    target: 'memberships',
    assign: sql`role = r.role`,
  },
  {
    key: 'location',
    columns: ['location'],
    before: sql`lb.name`,
    after: sql`nullif(btrim(r.location_text), '')`,
    beforeKey: sql`m.location_id`,
    afterKey: sql`r.location_id`,
    blank: sql`btrim(r.location_text) = ''`,
    clearable: true,
    target: 'memberships',
    assign: sql`location_id = r.location_id`,
  },
  {
    key: 'externalId',
    columns: ['externalId'],
    before: sql`m.external_id`,
    after: sql`nullif(btrim(r.external_id), '')`,
    blank: sql`btrim(r.external_id) = ''`,
    clearable: true,
    target: 'memberships',
    assign: sql`external_id = nullif(btrim(r.external_id), '')`,
  },
];

/** A value of `{key: value}` JSON as the preview shows it: options of a multi-choice joined by “; ”. */
const shownValue = (j: SQL) =>
  sql`CASE WHEN jsonb_typeof(${j}) = 'array' THEN (SELECT string_agg(x, '; ') FROM jsonb_array_elements_text(${j}) x) ELSE ${j} #>> '{}' END`;

/** A profile field of the file (issue 15): `cf.f` is the member's values, `r.fields` the file's; compared as JSON. */
function profileFieldDiff(key: string): DiffField {
  const before = sql`(cf.f -> ${key}::text)`;
  const after = sql`nullif(r.fields -> ${key}::text, 'null'::jsonb)`;
  return {
    key: `fields.${key}`,
    columns: [`fields.${key}`],
    before: shownValue(before),
    after: shownValue(after),
    beforeKey: before,
    afterKey: after,
    blank: sql`(${after} IS NULL)`,
    clearable: true,
    target: 'fields',
    assign: sql``,
  };
}

/** The fields this import compares: the built-in ones, then its profile fields. */
const diffFields = (s: SyncSettings): DiffField[] => [...DIFF_FIELDS, ...s.fieldKeys.map(profileFieldDiff)];
/** A column name for a field in the statements below (profile-field keys can be long). */
const alias = (prefix: string, i: number) => sql.identifier(`${prefix}_${i}`);

const isPresent = (s: SyncSettings, f: { columns: readonly string[] }) => f.columns.some((c) => s.present.has(c));

/** Whether the row changes this field, as SQL (false when its column is not in the file). */
function changes(s: SyncSettings, f: DiffField): SQL {
  if (!isPresent(s, f)) return sql`false`;
  const before = f.beforeKey ?? f.before;
  const after = f.afterKey ?? f.after;
  const onBlank = f.clearable && s.blankCells === 'clear' ? sql`${before} IS NOT NULL` : sql`false`;
  return sql`(${f.applies ?? sql`true`} AND CASE WHEN ${f.blank} THEN ${onBlank} ELSE ${after} IS DISTINCT FROM ${before} END)`;
}

/** Group memberships that the file replaces for this row: its groups cell is there and not kept blank. */
function replacesGroups(s: SyncSettings): SQL {
  if (!s.present.has('groups')) return sql`false`;
  const blank = sql`cardinality(r.group_names) = 0`;
  const whenBlank = s.blankCells === 'clear' ? sql`true` : sql`false`;
  return s.syncMode === 'sync' ? sql`(CASE WHEN ${blank} THEN ${whenBlank} ELSE true END)` : sql`(${blank} AND ${whenBlank})`;
}

const inScope = (s: SyncSettings, g: SQL) => (s.scopeGroupIds.length ? sql`${g} = ANY(${uuidArray(s.scopeGroupIds)})` : sql`true`);

/** The rows of existing active members (CTE `rows`), joined to their account, membership and current groups. */
function memberRows(s: SyncSettings, importId: string, orgId: string): SQL {
  return sql`rows AS (
      SELECT r.line, r.group_ids, r.group_names, a.id AS account_id, coalesce(cur.ids, '{}') AS cur_ids,
        ARRAY(SELECT g FROM unnest(coalesce(cur.ids, '{}'::uuid[])) g
              WHERE ${replacesGroups(s)} AND NOT g = ANY(r.group_ids) AND ${inScope(s, sql`g`)}) AS removed,
        ARRAY(SELECT g FROM unnest(r.group_ids) g WHERE NOT g = ANY(coalesce(cur.ids, '{}'::uuid[]))) AS added,
        ${sql.join(
          diffFields(s).map((f, i) => sql`${changes(s, f)} AS ${alias('ch', i)}`),
          sql`, `,
        )},
        ${sql.join(
          diffFields(s).map((f, i) => sql`${f.before}::text AS ${alias('b', i)}, ${f.after}::text AS ${alias('a', i)}`),
          sql`, `,
        )}
      FROM import_rows r
      JOIN accounts a ON a.email_key = r.email_key
      JOIN memberships m ON m.org_id = ${orgId} AND m.account_id = a.id AND m.status = 'active'
      LEFT JOIN locations lb ON lb.id = m.location_id
      -- Each member's groups by an index probe (group_members by account): robust whatever the planner
      -- thinks of the import's rows.
      LEFT JOIN LATERAL (SELECT array_agg(gm.group_id) AS ids FROM group_members gm WHERE gm.org_id = ${orgId} AND gm.account_id = a.id) cur ON true
      ${s.fieldKeys.length ? sql`LEFT JOIN LATERAL (SELECT ${fieldsJsonSql(orgId, sql`a.id`)} AS f) cf ON true` : sql``}
      WHERE r.import_id = ${importId} AND r.outcome = 'valid'
        AND m.role = ANY(${sql.param(`{${s.manageableRoles.join(',')}}`)}::text[]) AND a.id IS DISTINCT FROM ${s.actorId}::uuid
    )`;
}

const groupNames = (ids: SQL) => sql`to_jsonb(ARRAY(SELECT g.name FROM groups g WHERE g.id = ANY(${ids}) ORDER BY g.name))`;

/**
 * Writes each row's planned change ({field: {before, after}}) against the organization as it is now;
 * rows with nothing to change get null. Run at the preview and again when applying.
 */
export async function computeChanges(tx: Db, s: SyncSettings, o: { importId: string; orgId: string }): Promise<void> {
  await tx.execute(sql`UPDATE import_rows SET changes = NULL WHERE import_id = ${o.importId} AND changes IS NOT NULL`);
  if (s.syncMode === 'add') return;
  const parts = diffFields(s).flatMap((f, i) =>
    isPresent(s, f)
      ? [
          sql`(${f.key}::text, CASE WHEN ${alias('ch', i)} THEN jsonb_build_object('before', ${alias('b', i)}, 'after', ${
            f.clearable && s.blankCells === 'clear' ? sql`${alias('a', i)}` : sql`coalesce(${alias('a', i)}, ${alias('b', i)})`
          }) END)`,
        ]
      : [],
  );
  parts.push(sql`('groups', CASE WHEN cardinality(removed) > 0 OR cardinality(added) > 0 THEN jsonb_build_object(
      'before', ${groupNames(sql`cur_ids`)},
      'after', ${groupNames(sql`ARRAY(SELECT g FROM unnest(cur_ids) g WHERE NOT g = ANY(removed)) || added`)}) END)`);
  await tx.execute(sql`
    WITH ${memberRows(s, o.importId, o.orgId)},
    d AS (
      SELECT line, (SELECT jsonb_object_agg(k, v) FROM (VALUES ${sql.join(parts, sql`, `)}) AS f(k, v) WHERE v IS NOT NULL) AS changes FROM rows
    )
    UPDATE import_rows r SET changes = d.changes FROM d WHERE r.import_id = ${o.importId} AND r.line = d.line AND d.changes IS NOT NULL`);
}

/**
 * Applies the updates of existing members (fields, then group memberships the file replaces), in
 * the import's transaction; rows that changed get the result "updated". The caller prunes the
 * not-started enrolments of people who left groups.
 */
export async function applyUpdates(tx: Db, s: SyncSettings, o: { importId: string; orgId: string; now: Date }): Promise<void> {
  const changed = (key: string) =>
    sql`r.import_id = ${o.importId} AND r.changes ? ${key} AND r.result IN ('added_to_groups', 'already_there')`;
  for (const f of DIFF_FIELDS.filter((f) => isPresent(s, f))) {
    if (f.target === 'fields') continue; // set by the caller through the profile-fields service
    if (f.target === 'accounts')
      await tx.execute(sql`UPDATE accounts t SET ${f.assign}, updated_at = ${tsParam(o.now)}
        FROM import_rows r WHERE ${changed(f.key)} AND t.email_key = r.email_key`);
    else
      await tx.execute(sql`UPDATE memberships t SET ${f.assign}
        FROM import_rows r JOIN accounts a ON a.email_key = r.email_key
        WHERE ${changed(f.key)} AND t.org_id = ${o.orgId} AND t.account_id = a.id`);
  }
  if (s.present.has('groups'))
    await tx.execute(sql`
      DELETE FROM group_members gm USING import_rows r, accounts a
      WHERE ${changed('groups')} AND a.email_key = r.email_key AND gm.org_id = ${o.orgId} AND gm.account_id = a.id
        AND ${replacesGroups(s)} AND NOT gm.group_id = ANY(r.group_ids) AND ${inScope(s, sql`gm.group_id`)}`);
  await tx.execute(
    sql`UPDATE import_rows SET result = 'updated' WHERE import_id = ${o.importId} AND changes IS NOT NULL AND result IN ('added_to_groups', 'already_there')`,
  );
}

/** The active members a sync archives: in scope, not named by any line of the file, manageable, never an owner or the actor. */
export function archiveCandidates(s: SyncSettings, o: { importId: string; orgId: string }): SQL {
  return sql`SELECT m.account_id FROM memberships m
    WHERE m.org_id = ${o.orgId} AND m.status = 'active' AND m.role <> 'owner' AND m.account_id IS DISTINCT FROM ${s.actorId}::uuid
      AND m.role = ANY(${sql.param(`{${s.manageableRoles.join(',')}}`)}::text[])
      ${s.scopeGroupIds.length ? sql`AND m.account_id IN (SELECT account_id FROM group_members WHERE org_id = ${o.orgId} AND group_id = ANY(${uuidArray(s.scopeGroupIds)}))` : sql``}
      AND NOT EXISTS (SELECT 1 FROM accounts a JOIN import_rows r ON r.import_id = ${o.importId} AND r.email_key = a.email_key WHERE a.id = m.account_id)`;
}

export type ArchivePlan = { toArchive: number; members: number; percent: number; overThreshold: boolean };

/** How many members a sync would archive now, out of how many in scope, and whether that passes the threshold. */
export async function archivePlan(
  tx: Db,
  s: SyncSettings,
  o: { importId: string; orgId: string; thresholdPercent: number },
): Promise<ArchivePlan> {
  if (s.syncMode !== 'sync') return { toArchive: 0, members: 0, percent: 0, overThreshold: false };
  const members = await queryCount(
    tx,
    sql`SELECT count(*)::int AS n FROM memberships m WHERE m.org_id = ${o.orgId} AND m.status = 'active'
      ${s.scopeGroupIds.length ? sql`AND m.account_id IN (SELECT account_id FROM group_members WHERE org_id = ${o.orgId} AND group_id = ANY(${uuidArray(s.scopeGroupIds)}))` : sql``}`,
  );
  const toArchive = await queryCount(tx, sql`SELECT count(*)::int AS n FROM (${archiveCandidates(s, o)}) x`);
  const percent = members ? Math.round((toArchive * 1000) / members) / 10 : 0;
  return { toArchive, members, percent, overThreshold: toArchive * 100 > o.thresholdPercent * members };
}

/** One page of the people a sync would archive, by account id. */
export async function listArchiveCandidates(
  db: Db,
  s: SyncSettings,
  o: { importId: string; orgId: string; after?: string; limit: number },
) {
  return queryRows<{ accountId: string; email: string; name: string; role: string }>(
    db,
    sql`SELECT a.id AS "accountId", a.email, CASE WHEN m.managed OR m.status = 'active' THEN a.name ELSE '' END AS name, m.role
      FROM (${archiveCandidates(s, o)}) c JOIN accounts a ON a.id = c.account_id JOIN memberships m ON m.org_id = ${o.orgId} AND m.account_id = a.id
      ${o.after ? sql`WHERE a.id > ${o.after}::uuid` : sql``} ORDER BY a.id LIMIT ${o.limit}`,
  );
}

/** Archives them (as archiving a member does: started training stays, their sign-ins end); returns their ids. */
export async function archiveMissing(tx: Db, s: SyncSettings, o: { importId: string; orgId: string; now: Date }): Promise<string[]> {
  const gone = await queryRows<{ accountId: string }>(
    tx,
    sql`UPDATE memberships SET status = 'archived', archived_at = ${tsParam(o.now)}
      WHERE org_id = ${o.orgId} AND status = 'active' AND account_id IN (${archiveCandidates(s, o)})
      RETURNING account_id AS "accountId"`,
  );
  if (gone.length) await tx.execute(sql`DELETE FROM sessions WHERE account_id = ANY(${uuidArray(gone.map((g) => g.accountId))})`);
  return gone.map((g) => g.accountId);
}

/** Counts of the preview: new people, members updated or unchanged. */
export async function changeCounts(tx: Db, importId: string) {
  return one(
    await queryRows<{ new: number; updated: number; unchanged: number }>(
      tx,
      sql`SELECT count(*) FILTER (WHERE outcome = 'valid' AND NOT already_member)::int AS new,
          count(*) FILTER (WHERE outcome = 'valid' AND already_member AND changes IS NOT NULL)::int AS updated,
          count(*) FILTER (WHERE outcome = 'valid' AND already_member AND changes IS NULL)::int AS unchanged
        FROM import_rows WHERE import_id = ${importId}`,
    ),
    'change counts',
  );
}
