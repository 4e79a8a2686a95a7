import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows, tsParam, uuidArray } from '../../lib/sql.js';
import type { RuleBody } from './rules.schemas.js';

export type RuleRow = {
  groupId: string;
  match: 'all' | 'any';
  conditions: RuleBody['conditions'];
  fieldKeys: string[];
  brokenAt: string | null;
  brokenField: string | null;
  runStatus: 'queued' | 'running' | 'done' | 'failed';
  runAdded: number;
  runRemoved: number;
};
export type Person = { accountId: string; email: string; name: string };

const RULE = sql`group_id AS "groupId", match, conditions, field_keys AS "fieldKeys", broken_at AS "brokenAt", broken_field AS "brokenField",
  run_status AS "runStatus", run_added AS "runAdded", run_removed AS "runRemoved"`;

export async function findRule(db: Db, orgId: string, groupId: string, lock = false): Promise<RuleRow | undefined> {
  const [row] = await queryRows<RuleRow>(
    db,
    sql`SELECT ${RULE} FROM group_rules WHERE org_id = ${orgId} AND group_id = ${groupId} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return row;
}

/** The working rules of the organization that read any of `keys` (all working rules when keys is null). */
export function rulesReading(db: Db, orgId: string, keys: string[] | null): Promise<RuleRow[]> {
  return queryRows<RuleRow>(
    db,
    sql`SELECT ${RULE} FROM group_rules WHERE org_id = ${orgId} AND broken_at IS NULL
      ${keys ? sql`AND field_keys && ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))` : sql``}
      ORDER BY group_id`,
  );
}

export async function saveRule(db: Db, o: { orgId: string; groupId: string; rule: RuleBody; keys: string[]; runStatus: string }) {
  await db.execute(sql`INSERT INTO group_rules (group_id, org_id, match, conditions, field_keys, run_status, run_added, run_removed)
    VALUES (${o.groupId}, ${o.orgId}, ${o.rule.match}, ${JSON.stringify(o.rule.conditions)}::jsonb,
      ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(o.keys)}::jsonb)), ${o.runStatus}, 0, 0)
    ON CONFLICT (group_id) DO UPDATE SET match = excluded.match, conditions = excluded.conditions, field_keys = excluded.field_keys,
      broken_at = NULL, broken_field = NULL, run_status = excluded.run_status, run_added = 0, run_removed = 0, updated_at = now()`);
}

export async function setRun(db: Db, o: { groupId: string; status: string; added?: number; removed?: number; from?: string[] }) {
  const rows = await queryRows<{ groupId: string }>(
    db,
    sql`UPDATE group_rules SET run_status = ${o.status}, run_added = ${o.added ?? 0}, run_removed = ${o.removed ?? 0}, updated_at = now()
      WHERE group_id = ${o.groupId} ${o.from ? sql`AND run_status = ANY(${sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(o.from)}::jsonb))`})` : sql``}
      RETURNING group_id AS "groupId"`,
  );
  return rows.length > 0;
}

export async function deleteRule(db: Db, orgId: string, groupId: string): Promise<boolean> {
  const rows = await queryRows(db, sql`DELETE FROM group_rules WHERE org_id = ${orgId} AND group_id = ${groupId} RETURNING group_id`);
  return rows.length > 0;
}

/** Marks the working rules that read `key` broken; returns their groups (id, name). */
export function breakRules(db: Db, o: { orgId: string; key: string; now: Date }) {
  return queryRows<{ groupId: string; name: string }>(
    db,
    sql`UPDATE group_rules r SET broken_at = ${tsParam(o.now)}, broken_field = ${o.key}, updated_at = now()
      FROM groups g WHERE g.org_id = r.org_id AND g.id = r.group_id
        AND r.org_id = ${o.orgId} AND r.broken_at IS NULL AND ${o.key} = ANY(r.field_keys)
      RETURNING r.group_id AS "groupId", g.name`,
  );
}

export function exceptionsOf(db: Db, orgId: string, groupId: string) {
  return queryRows<Person & { kind: 'always' | 'never' }>(
    db,
    sql`SELECT x.account_id AS "accountId", a.email, a.name, x.kind FROM group_rule_exceptions x JOIN accounts a ON a.id = x.account_id
      WHERE x.org_id = ${orgId} AND x.group_id = ${groupId} ORDER BY a.email`,
  );
}

/** Replaces the exceptions of a group (accounts that are not members of orgId are ignored). */
export async function replaceExceptions(db: Db, o: { orgId: string; groupId: string; always: string[]; never: string[] }) {
  await db.execute(sql`DELETE FROM group_rule_exceptions WHERE org_id = ${o.orgId} AND group_id = ${o.groupId}`);
  await db.execute(sql`INSERT INTO group_rule_exceptions (org_id, group_id, account_id, kind)
    SELECT ${o.orgId}::uuid, ${o.groupId}::uuid, m.account_id, CASE WHEN m.account_id = ANY(${uuidArray(o.never)}) THEN 'never' ELSE 'always' END
    FROM memberships m WHERE m.org_id = ${o.orgId} AND (m.account_id = ANY(${uuidArray(o.always)}) OR m.account_id = ANY(${uuidArray(o.never)}))
    ON CONFLICT DO NOTHING`);
}

/**
 * CTE `desired(account_id)`: the active members the rule and the exceptions put in the group,
 * optionally among `accountIds` only. `cur(account_id)`: its active members today, likewise.
 */
function desiredAndCurrent(o: { orgId: string; groupId: string; predicate: SQL; accountIds?: string[] }): SQL {
  const only = (col: SQL) => (o.accountIds ? sql`AND ${col} = ANY(${uuidArray(o.accountIds)})` : sql``);
  return sql`desired AS (
      SELECT m.account_id FROM memberships m JOIN accounts a ON a.id = m.account_id
      WHERE m.org_id = ${o.orgId} AND m.status = 'active' ${only(sql`m.account_id`)} AND ${o.predicate}
        AND NOT EXISTS (SELECT 1 FROM group_rule_exceptions x WHERE x.group_id = ${o.groupId} AND x.account_id = m.account_id AND x.kind = 'never')
      UNION
      SELECT x.account_id FROM group_rule_exceptions x
      JOIN memberships m ON m.org_id = x.org_id AND m.account_id = x.account_id AND m.status = 'active'
      WHERE x.org_id = ${o.orgId} AND x.group_id = ${o.groupId} AND x.kind = 'always' ${only(sql`x.account_id`)}
    ),
    cur AS (
      SELECT gm.account_id FROM group_members gm
      JOIN memberships m ON m.org_id = gm.org_id AND m.account_id = gm.account_id AND m.status = 'active'
      WHERE gm.org_id = ${o.orgId} AND gm.group_id = ${o.groupId} ${only(sql`gm.account_id`)}
    )`;
}

/** Who the rule would add and remove (ids), in one statement. */
export async function differences(db: Db, o: { orgId: string; groupId: string; predicate: SQL; accountIds?: string[] }) {
  const rows = await queryRows<{ accountId: string; add: boolean }>(
    db,
    sql`WITH ${desiredAndCurrent(o)}
      SELECT account_id AS "accountId", true AS add FROM (SELECT account_id FROM desired EXCEPT SELECT account_id FROM cur) x
      UNION ALL
      SELECT account_id, false FROM (SELECT account_id FROM cur EXCEPT SELECT account_id FROM desired) y`,
  );
  return { add: rows.filter((r) => r.add).map((r) => r.accountId), remove: rows.filter((r) => !r.add).map((r) => r.accountId) };
}

/** Counts and samples for the preview, in two statements. */
export async function preview(db: Db, o: { orgId: string; groupId: string; predicate: SQL; sample: number }) {
  const [counts] = await queryRows<{ add: number; remove: number; matched: number; total: number; bare: number }>(
    db,
    sql`WITH ${desiredAndCurrent(o)}
      SELECT (SELECT count(*)::int FROM (SELECT account_id FROM desired EXCEPT SELECT account_id FROM cur) x) AS add,
        (SELECT count(*)::int FROM (SELECT account_id FROM cur EXCEPT SELECT account_id FROM desired) y) AS remove,
        (SELECT count(*)::int FROM desired) AS matched,
        (SELECT count(*)::int FROM memberships WHERE org_id = ${o.orgId} AND status = 'active') AS total,
        (SELECT count(*)::int FROM memberships m JOIN accounts a ON a.id = m.account_id
          WHERE m.org_id = ${o.orgId} AND m.status = 'active' AND ${o.predicate}) AS bare`,
  );
  const samples = await queryRows<Person & { add: boolean }>(
    db,
    sql`WITH ${desiredAndCurrent(o)},
      adds AS (SELECT account_id FROM desired EXCEPT SELECT account_id FROM cur),
      rems AS (SELECT account_id FROM cur EXCEPT SELECT account_id FROM desired)
      (SELECT a.id AS "accountId", a.email, a.name, true AS add FROM adds JOIN accounts a ON a.id = adds.account_id ORDER BY a.email LIMIT ${o.sample})
      UNION ALL
      (SELECT a.id, a.email, a.name, false FROM rems JOIN accounts a ON a.id = rems.account_id ORDER BY a.email LIMIT ${o.sample})`,
  );
  return { counts: counts ?? { add: 0, remove: 0, matched: 0, total: 0, bare: 0 }, samples };
}

/**
 * For a few accounts and many rules at once: the (group, account) pairs whose membership must change,
 * in one statement (each rule's predicate evaluated on those accounts only, exceptions applied).
 */
export async function changesFor(db: Db, o: { orgId: string; accountIds: string[]; rules: { groupId: string; predicate: SQL }[] }) {
  if (o.rules.length === 0) return [];
  // One scan of the people, one row per rule (VALUES), so the statement is planned once, not once per rule.
  const perRule = sql.join(
    o.rules.map((r) => sql`(${r.groupId}::uuid, coalesce(${r.predicate}, false))`),
    sql`, `,
  );
  const wants = sql`SELECT x.group_id, m.account_id, x.wants
    FROM memberships m JOIN accounts a ON a.id = m.account_id
    CROSS JOIN LATERAL (VALUES ${perRule}) AS x(group_id, wants)
    WHERE m.org_id = ${o.orgId} AND m.status = 'active' AND m.account_id = ANY(${uuidArray(o.accountIds)})`;
  return queryRows<{ groupId: string; accountId: string; add: boolean }>(
    db,
    sql`WITH w AS (${wants}),
      d AS (
        SELECT w.group_id, w.account_id, CASE x.kind WHEN 'always' THEN true WHEN 'never' THEN false ELSE w.wants END AS want,
          EXISTS (SELECT 1 FROM group_members gm WHERE gm.org_id = ${o.orgId} AND gm.group_id = w.group_id AND gm.account_id = w.account_id) AS inside
        FROM w LEFT JOIN group_rule_exceptions x ON x.group_id = w.group_id AND x.account_id = w.account_id
      )
      SELECT group_id AS "groupId", account_id AS "accountId", want AS add FROM d WHERE want <> inside`,
  );
}
