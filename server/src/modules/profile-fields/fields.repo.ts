import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows, tsParam, uuidArray } from '../../lib/sql.js';
import type { FieldType } from './fields.schemas.js';
import type { StoredValue } from './values.js';

export type FieldRow = {
  id: string;
  key: string;
  labelEn: string;
  labelFr: string | null;
  type: FieldType;
  options: string[];
  learnerVisible: boolean;
  learnerEditable: boolean;
  usedByGroups: number;
  createdAt: string;
};

const COLUMNS = sql`f.id, f.key, f.label_en AS "labelEn", f.label_fr AS "labelFr", f.type, f.options,
  f.learner_visible AS "learnerVisible", f.learner_editable AS "learnerEditable", f.created_at AS "createdAt",
  (SELECT count(*)::int FROM group_rules r WHERE r.org_id = f.org_id AND f.key = ANY(r.field_keys)) AS "usedByGroups"`;

/** The organization's fields, by key. */
export function listFields(db: Db, orgId: string): Promise<FieldRow[]> {
  return queryRows<FieldRow>(db, sql`SELECT ${COLUMNS} FROM profile_fields f WHERE f.org_id = ${orgId} ORDER BY f.key`);
}

export async function findField(db: Db, orgId: string, fieldId: string): Promise<FieldRow | undefined> {
  const [row] = await queryRows<FieldRow>(db, sql`SELECT ${COLUMNS} FROM profile_fields f WHERE f.org_id = ${orgId} AND f.id = ${fieldId}`);
  return row;
}

/** Inserts a field; undefined when the key is taken in the organization. */
export async function insertField(
  db: Db,
  o: {
    orgId: string;
    key: string;
    labelEn: string;
    labelFr: string | null;
    type: FieldType;
    options: string[];
    learnerVisible: boolean;
    learnerEditable: boolean;
  },
): Promise<string | undefined> {
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO profile_fields (org_id, key, label_en, label_fr, type, options, learner_visible, learner_editable)
      VALUES (${o.orgId}, ${o.key}, ${o.labelEn}, ${o.labelFr}, ${o.type},
        ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(o.options)}::jsonb)), ${o.learnerVisible}, ${o.learnerEditable})
      ON CONFLICT (org_id, key) DO NOTHING RETURNING id`,
  );
  return row?.id;
}

export async function updateField(
  db: Db,
  o: {
    orgId: string;
    fieldId: string;
    labelEn?: string;
    labelFr?: string | null;
    options?: string[];
    learnerVisible?: boolean;
    learnerEditable?: boolean;
  },
): Promise<void> {
  const sets = [sql`updated_at = now()`];
  if (o.labelEn !== undefined) sets.push(sql`label_en = ${o.labelEn}`);
  if (o.labelFr !== undefined) sets.push(sql`label_fr = ${o.labelFr}`);
  if (o.options !== undefined) sets.push(sql`options = ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(o.options)}::jsonb))`);
  if (o.learnerVisible !== undefined) sets.push(sql`learner_visible = ${o.learnerVisible}`);
  if (o.learnerEditable !== undefined) sets.push(sql`learner_editable = ${o.learnerEditable}`);
  await db.execute(sql`UPDATE profile_fields SET ${sql.join(sets, sql`, `)} WHERE org_id = ${o.orgId} AND id = ${o.fieldId}`);
}

export async function deleteField(db: Db, orgId: string, fieldId: string): Promise<void> {
  await db.execute(sql`DELETE FROM profile_fields WHERE org_id = ${orgId} AND id = ${fieldId}`);
}

export type ValueRow = StoredValue & { accountId: string; fieldId: string };

/** The stored values of some accounts (all fields). */
export function valuesOf(db: Db, orgId: string, accountIds: string[]): Promise<ValueRow[]> {
  return queryRows<ValueRow>(
    db,
    sql`SELECT v.account_id AS "accountId", v.field_id AS "fieldId", v.value_text AS text, v.value_num AS num,
        to_char(v.value_date, 'YYYY-MM-DD') AS date, v.value_arr AS arr
      FROM member_field_values v WHERE v.org_id = ${orgId} AND v.account_id = ANY(${uuidArray(accountIds)})`,
  );
}

/**
 * Writes many values in two statements whatever their number: an upsert of the values given and a
 * delete of the ones cleared. Rows of accounts that are not members of orgId are ignored.
 */
export async function writeValues(db: Db, o: { orgId: string; rows: ValueRow[]; now: Date }): Promise<void> {
  const set = o.rows.filter((r) => r.text !== null || r.num !== null || r.date !== null || r.arr !== null);
  const cleared = o.rows.filter((r) => !set.includes(r));
  const json = (rows: ValueRow[]) =>
    JSON.stringify(rows.map((r) => ({ a: r.accountId, f: r.fieldId, t: r.text, n: r.num, d: r.date, arr: r.arr })));
  if (set.length)
    await db.execute(sql`INSERT INTO member_field_values (org_id, field_id, account_id, value_text, value_key, value_num, value_date, value_arr, updated_at)
      SELECT ${o.orgId}::uuid, x.f, x.a, x.t, lower(x.t), x.n, x.d,
        CASE WHEN x.arr IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(x.arr)) END, ${tsParam(o.now)}
      FROM jsonb_to_recordset(${json(set)}::jsonb) AS x(a uuid, f uuid, t text, n float8, d date, arr jsonb)
      JOIN memberships m ON m.org_id = ${o.orgId} AND m.account_id = x.a
      JOIN profile_fields pf ON pf.org_id = ${o.orgId} AND pf.id = x.f
      ON CONFLICT (field_id, account_id) DO UPDATE SET value_text = excluded.value_text, value_key = excluded.value_key,
        value_num = excluded.value_num, value_date = excluded.value_date, value_arr = excluded.value_arr, updated_at = excluded.updated_at`);
  if (cleared.length)
    await db.execute(sql`DELETE FROM member_field_values v
      USING jsonb_to_recordset(${json(cleared)}::jsonb) AS x(a uuid, f uuid)
      WHERE v.org_id = ${o.orgId} AND v.field_id = x.f AND v.account_id = x.a`);
}
