import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../lib/sql.js';
import { groupNameKey } from '../groups/groups.schemas.js';
import { distance } from './parse/headers.js';
import { one } from '../../lib/rows.js';

export type ImportCounts = {
  rows: number;
  valid: number;
  invalid: number;
  duplicate: number;
  conflict: number;
  alreadyMembers: number;
  alreadyInvited: number;
};
export type UnknownGroup = { name: string; rows: number; suggestion: string | null };

/** A group name's key in SQL, as groupNameKey() computes it: trimmed, inner spaces collapsed, lower case. */
export const keyExpr = (col: string) => sql.raw(`lower(regexp_replace(btrim(${col}), '\\s+', ' ', 'g'))`);

/**
 * Checks every row against the organization, set-based: groups (ignoring case and spaces), locations,
 * roles the actor may give, exact repeats (ignored) and conflicting repeats (both shown), existing members.
 * Safe to run again (e.g. after choosing to create missing groups).
 */
export async function validateImport(
  tx: Db,
  o: { importId: string; orgId: string; createMissingGroups: boolean; allowedRoles: string[]; fresh?: boolean; analyze?: boolean },
) {
  const { importId, orgId } = o;
  // Fresh statistics first: the planner must know that this import has 100,000 rows, not none.
  if (o.analyze) await tx.execute(sql`ANALYZE import_rows`);
  // Keep what parsing found; recompute the rest (fresh rows have nothing to reset).
  if (!o.fresh)
    await tx.execute(sql`UPDATE import_rows SET messages = jsonb_path_query_array(messages, '$[*] ? (@.stage == "parse")'), group_ids = '{}', location_id = NULL,
      already_member = false, outcome = 'valid' WHERE import_id = ${importId}`);
  // Distinct group names are looked up once each (a file of 100,000 rows names a few dozen groups);
  // fresh rows had theirs matched while the file was read.
  if (!o.fresh)
    await tx.execute(sql`
    WITH names AS (
      SELECT r.line, btrim(n.name) AS name, ${keyExpr('n.name')} AS key
      FROM import_rows r, unnest(r.group_names) AS n(name) WHERE r.import_id = ${importId} AND btrim(n.name) <> ''
    ), found AS (
      SELECT DISTINCT ON (k.key) k.key, g.id FROM (SELECT DISTINCT key FROM names) k
      JOIN groups g ON g.org_id = ${orgId} AND g.name_key = k.key ORDER BY k.key, g.created_at
    ), agg AS (
      SELECT n.line, coalesce(array_agg(DISTINCT f.id) FILTER (WHERE f.id IS NOT NULL), '{}') AS ids,
             coalesce(jsonb_agg(jsonb_build_object('field', 'groups', 'code', ${o.createMissingGroups ? 'group_will_be_created' : 'unknown_group'}::text,
               'level', ${o.createMissingGroups ? 'info' : 'error'}::text, 'stage', 'check', 'value', n.name)) FILTER (WHERE f.id IS NULL), '[]') AS msgs
      FROM names n LEFT JOIN found f ON f.key = n.key GROUP BY n.line
    )
    UPDATE import_rows r SET group_ids = agg.ids, messages = r.messages || agg.msgs FROM agg WHERE r.import_id = ${importId} AND r.line = agg.line`);
  await tx.execute(sql`
    UPDATE import_rows r SET location_id = l.id FROM locations l
    WHERE r.import_id = ${importId} AND r.location_text <> '' AND l.org_id = ${orgId} AND l.archived_at IS NULL AND lower(l.name) = lower(btrim(r.location_text))`);
  await tx.execute(sql`
    UPDATE import_rows SET messages = messages || jsonb_build_array(jsonb_build_object('field', 'location', 'code', 'unknown_location', 'level', 'error', 'stage', 'check', 'value', btrim(location_text)))
    WHERE import_id = ${importId} AND btrim(location_text) <> '' AND location_id IS NULL`);
  await tx.execute(sql`
    UPDATE import_rows SET messages = messages || jsonb_build_array(jsonb_build_object('field', 'role', 'code', 'role_not_allowed', 'level', 'error', 'stage', 'check', 'value', role))
    WHERE import_id = ${importId} AND role IS NOT NULL AND NOT (role = ANY(string_to_array(${o.allowedRoles.join(',')}, ',')))`);
  // The same address more than once: identical rows are repeats (ignored), different ones conflict (all shown).
  // The repeated addresses are found first, by counting along the (import_id, email_key) index; only
  // their rows are then compared. (Comparing every address's rows cost a sort per address: 6.4 s for
  // 1,000,000 rows.) A hash aggregate of 1,000,000 addresses would spill to disk: it is off for that
  // statement, and put back as it was.
  const { was } = one(
    await queryRows<{ was: string }>(tx, sql`SELECT current_setting('enable_hashagg') AS was, set_config('enable_hashagg', 'off', true)`),
    'planner setting',
  );
  await tx.execute(sql`
    WITH repeated AS MATERIALIZED (
      SELECT email_key FROM import_rows WHERE import_id = ${importId} AND email_key IS NOT NULL GROUP BY email_key HAVING count(*) > 1
    ), dup AS (
      SELECT r.email_key, count(DISTINCT md5(concat_ws(E'\\x01', r.first_name, r.last_name, array_to_string(r.group_names, E'\\x02'), r.role_text, r.location_text, r.external_id, r.fields::text))) AS variants,
             array_agg(r.line ORDER BY r.line) AS lines
      FROM repeated k JOIN import_rows r ON r.import_id = ${importId} AND r.email_key = k.email_key GROUP BY r.email_key
    )
    UPDATE import_rows r SET messages = r.messages || CASE
        WHEN dup.variants = 1 THEN jsonb_build_array(jsonb_build_object('field', 'email', 'code', 'duplicate_row', 'level', 'info', 'stage', 'check', 'lines', to_jsonb(dup.lines)))
        ELSE jsonb_build_array(jsonb_build_object('field', 'email', 'code', 'conflicting_rows', 'level', 'error', 'stage', 'check', 'lines', to_jsonb(dup.lines))) END
    FROM dup WHERE r.import_id = ${importId} AND r.email_key = dup.email_key AND (dup.variants > 1 OR r.line <> dup.lines[1])`);
  await tx.execute(sql`SELECT set_config('enable_hashagg', ${was}, true)`);
  await tx.execute(sql`
    UPDATE import_rows r SET already_member = true FROM accounts a JOIN memberships m ON m.account_id = a.id AND m.org_id = ${orgId} AND m.status = 'active'
    WHERE r.import_id = ${importId} AND a.email_key = r.email_key`);
  await tx.execute(sql`
    UPDATE import_rows SET outcome = CASE
        WHEN messages @> '[{"code": "conflicting_rows"}]' THEN 'conflict'
        WHEN messages @> '[{"code": "duplicate_row"}]' THEN 'duplicate'
        WHEN messages @> '[{"level": "error"}]' THEN 'invalid'
        ELSE 'valid' END
    WHERE import_id = ${importId} AND messages <> '[]'::jsonb`);
  return summarize(tx, o);
}

async function summarize(tx: Db, o: { importId: string; orgId: string }): Promise<{ counts: ImportCounts; unknownGroups: UnknownGroup[] }> {
  const c = one(
    await queryRows<ImportCounts>(
      tx,
      sql`SELECT count(*)::int AS rows,
          count(*) FILTER (WHERE outcome = 'valid')::int AS valid,
          count(*) FILTER (WHERE outcome IN ('invalid', 'conflict'))::int AS invalid,
          count(*) FILTER (WHERE outcome = 'duplicate')::int AS duplicate,
          count(*) FILTER (WHERE outcome = 'conflict')::int AS conflict,
          count(*) FILTER (WHERE outcome = 'valid' AND already_member)::int AS "alreadyMembers",
          count(*) FILTER (WHERE outcome = 'valid' AND NOT already_member AND EXISTS (
            SELECT 1 FROM invitations i WHERE i.org_id = ${o.orgId} AND i.email_key = import_rows.email_key AND i.status IN ('prospect', 'pending')))::int AS "alreadyInvited"
        FROM import_rows WHERE import_id = ${o.importId}`,
    ),
    'import count',
  );
  const unknown = await queryRows<{ name: string; rows: number }>(
    tx,
    sql`SELECT m->>'value' AS name, count(*)::int AS rows FROM import_rows, jsonb_array_elements(messages) m
        WHERE import_id = ${o.importId} AND m->>'field' = 'groups' GROUP BY 1 ORDER BY 2 DESC LIMIT 200`,
  );
  const names = unknown.length ? await queryRows<{ name: string }>(tx, sql`SELECT name FROM groups WHERE org_id = ${o.orgId}`) : [];
  const unknownGroups = unknown.map((u) => ({
    ...u,
    suggestion: suggest(
      u.name,
      names.map((n) => n.name),
    ),
  }));
  return { counts: c, unknownGroups };
}

/** The closest existing group name, when it is close enough to be a typo. */
export function suggest(name: string, candidates: string[]): string | null {
  const key = groupNameKey(name);
  let best: { name: string; d: number } | null = null;
  for (const c of candidates) {
    const d = distance(key, groupNameKey(c));
    if (d <= Math.max(2, Math.floor(key.length / 4)) && (!best || d < best.d)) best = { name: c, d };
  }
  return best?.name ?? null;
}
