import { type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import type { JobQueue } from '../../jobs/queue.js';
import { cleanIds, queryRows } from '../../lib/sql.js';
import { toIso } from '../../lib/time.js';
import { recordAudit } from '../audit/audit.service.js';
import * as repo from './fields.repo.js';
import type { createFieldBody, FieldValue, patchFieldBody } from './fields.schemas.js';
import { compileRule } from './rules.compile.js';
import { breakRulesUsing, fieldDefs, reevaluateRulesFor } from './rules.service.js';
import { type FieldDef, readValue, unknownField } from './values.js';

type Actor = { id: string; email: string; ip?: string };
type CreateBody = ReturnType<typeof createFieldBody.parse>;
type PatchBody = ReturnType<typeof patchFieldBody.parse>;

export { reevaluateRulesFor, rulesExistSql } from './rules.service.js';

const present = (r: repo.FieldRow) => ({
  id: r.id,
  key: r.key,
  label: { en: r.labelEn, fr: r.labelFr },
  type: r.type,
  options: r.options,
  learnerVisible: r.learnerVisible,
  learnerEditable: r.learnerEditable,
  usedByGroups: r.usedByGroups,
  createdAt: toIso(r.createdAt) ?? '',
});

const needsOptions = (type: string) => type === 'choice' || type === 'multi_choice';
const noOptions = () =>
  new AppError(422, 'validation_failed', 'Give at least one option.', { fields: { options: 'Give at least one option.' } });

/** The organization's profile fields. */
export async function listFields(ctx: Pick<AppContext, 'db'>, o: { orgId: string }) {
  return { items: (await repo.listFields(ctx.db, o.orgId)).map(present) };
}

/** Adds a field; 409 when the key is taken, 422 when a choice has no options. */
export async function createField(ctx: AppContext, o: { actor: Actor; orgId: string; body: CreateBody }) {
  const b = o.body;
  const options = [...new Set(b.options ?? [])];
  if (needsOptions(b.type) && options.length === 0) throw noOptions();
  return ctx.db.transaction(async (tx) => {
    const id = await repo.insertField(tx, {
      orgId: o.orgId,
      key: b.key,
      labelEn: b.label.en,
      labelFr: b.label.fr || null,
      type: b.type,
      options: needsOptions(b.type) ? options : [],
      learnerVisible: b.learnerVisible,
      learnerEditable: b.learnerEditable,
    });
    if (!id) throw conflict('field_key_taken', `A field with the key ${b.key} exists.`, { fields: { key: 'Already taken.' }, key: b.key });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'profile_field.created',
      targetType: 'profile_field',
      targetId: id,
      ip: o.actor.ip,
      data: { key: b.key, type: b.type },
    });
    const row = await repo.findField(tx, o.orgId, id);
    if (!row) throw notFound('Profile field');
    return present(row);
  });
}

/** Changes labels, options or visibility (the key and type stay: rules and imports name them). */
export async function updateField(ctx: AppContext, o: { actor: Actor; orgId: string; fieldId: string; body: PatchBody }) {
  return ctx.db.transaction(async (tx) => {
    const field = await repo.findField(tx, o.orgId, o.fieldId);
    if (!field) throw notFound('Profile field');
    const options = o.body.options ? [...new Set(o.body.options)] : undefined;
    if (options && needsOptions(field.type) && options.length === 0) throw noOptions();
    await repo.updateField(tx, {
      orgId: o.orgId,
      fieldId: o.fieldId,
      labelEn: o.body.label?.en,
      labelFr: o.body.label ? o.body.label.fr || null : undefined,
      options: needsOptions(field.type) ? options : undefined,
      learnerVisible: o.body.learnerVisible,
      learnerEditable: o.body.learnerEditable,
    });
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'profile_field.updated',
      targetType: 'profile_field',
      targetId: o.fieldId,
      ip: o.actor.ip,
      data: { key: field.key },
    });
    const row = await repo.findField(tx, o.orgId, o.fieldId);
    if (!row) throw notFound('Profile field');
    return present(row);
  });
}

/** Deletes a field and its values; rule-based groups reading it are marked broken and stop changing. */
export async function deleteField(ctx: AppContext, o: { actor: Actor; orgId: string; fieldId: string }) {
  return ctx.db.transaction(async (tx) => {
    const field = await repo.findField(tx, o.orgId, o.fieldId);
    if (!field) throw notFound('Profile field');
    const broken = await breakRulesUsing(tx, { orgId: o.orgId, key: field.key, actor: o.actor, now: ctx.clock.now() });
    await repo.deleteField(tx, o.orgId, o.fieldId);
    await recordAudit(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'profile_field.deleted',
      targetType: 'profile_field',
      targetId: o.fieldId,
      ip: o.actor.ip,
      data: { key: field.key, brokenGroups: broken.map((g) => g.groupId) },
    });
    return { brokenGroups: broken };
  });
}

/** A member's values as `{key: value}` (JSON built in SQL), for `accountCol` of a query over members. */
export const fieldsJsonSql = (orgId: SQL | string, accountCol: SQL) => sql`(SELECT coalesce(jsonb_object_agg(pf.key,
    CASE pf.type WHEN 'multi_choice' THEN to_jsonb(v.value_arr) WHEN 'number' THEN to_jsonb(v.value_num)
      WHEN 'date' THEN to_jsonb(to_char(v.value_date, 'YYYY-MM-DD')) WHEN 'boolean' THEN to_jsonb(v.value_text = 'true')
      ELSE to_jsonb(v.value_text) END), '{}'::jsonb)
  FROM member_field_values v JOIN profile_fields pf ON pf.id = v.field_id
  WHERE v.org_id = ${orgId}::uuid AND v.account_id = ${accountCol})`;

/**
 * A filter of the members list on one field (profile field or built-in), over `m` (memberships) and
 * `a` (accounts): text contains the value, other types equal it; an empty value means "is empty".
 */
export async function fieldFilterSql(db: Db, o: { orgId: string; key: string; value: string }): Promise<SQL> {
  const defs = await fieldDefs(db, o.orgId);
  const type = defs.get(o.key)?.type;
  const op = o.value.trim() === '' ? 'empty' : type === 'text' || !type ? 'contains' : 'eq';
  return compileRule({ match: 'all', conditions: [{ field: o.key, op, value: op === 'empty' ? true : o.value }] }, defs).predicate;
}

/** A member's field values as `{key: value}`. */
export async function memberFields(db: Db, o: { orgId: string; accountId: string }): Promise<Record<string, FieldValue>> {
  const [row] = await queryRows<{ fields: Record<string, FieldValue> | null }>(
    db,
    sql`SELECT ${fieldsJsonSql(o.orgId, sql`${o.accountId}::uuid`)} AS fields`,
  );
  return (row?.fields as Record<string, FieldValue>) ?? {};
}

/** Checks values against the fields; throws the first error (a translated 422 with "did you mean" for options). */
export function readValues(
  defs: Map<string, FieldDef>,
  accountId: string,
  fields: Record<string, FieldValue>,
  lenient = false,
): repo.ValueRow[] {
  return Object.entries(fields).flatMap(([key, value]) => {
    const def = defs.get(key);
    if (!def) {
      if (lenient) return [];
      throw unknownField(key);
    }
    try {
      return [{ accountId, fieldId: def.id, ...readValue(def, value) }];
    } catch (err) {
      if (lenient) return [];
      throw err;
    }
  });
}

/**
 * Sets field values for many accounts in two statements and re-evaluates, for those accounts only, the
 * rules reading the fields given — set-based, for imports and SCIM. Call inside the caller's
 * transaction; values of accounts that are not members are ignored. Throws the first invalid value
 * (use `validateFieldValues` first to report errors per row). `extraKeys` names built-in fields
 * changed by the same caller (e.g. `role`, `location`) so their rules are re-evaluated too.
 */
export async function setFieldValuesBulk(
  tx: Db,
  o: {
    orgId: string;
    rows: { accountId: string; fields: Record<string, FieldValue> }[];
    now: Date;
    jobs: JobQueue;
    extraKeys?: string[];
    /** Skip keys that are not fields and values that do not fit, instead of refusing (SCIM, SSO claims). */
    lenient?: boolean;
  },
) {
  const defs = await fieldDefs(tx, o.orgId);
  const values = o.rows.flatMap((r) => readValues(defs, r.accountId, r.fields, o.lenient));
  await repo.writeValues(tx, { orgId: o.orgId, rows: values, now: o.now });
  const keys = [...new Set([...o.rows.flatMap((r) => Object.keys(r.fields)), ...(o.extraKeys ?? [])])];
  if (keys.length === 0) return { added: 0, removed: 0 };
  return reevaluateRulesFor(tx, {
    orgId: o.orgId,
    accountIds: cleanIds(o.rows.map((r) => r.accountId)),
    keys,
    now: o.now,
    jobs: o.jobs,
    defs,
  });
}

/** The member page: sets some of a member's values (404 for a non-member), audits, re-evaluates rules. */
export async function setMemberFields(
  ctx: AppContext,
  tx: Db,
  o: { actor: Actor; orgId: string; accountId: string; fields: Record<string, FieldValue> },
) {
  const res = await setFieldValuesBulk(tx, {
    orgId: o.orgId,
    rows: [{ accountId: o.accountId, fields: o.fields }],
    now: ctx.clock.now(),
    jobs: ctx.jobs,
  });
  await recordAudit(tx, {
    orgId: o.orgId,
    actor: o.actor,
    action: 'member.fields_changed',
    targetType: 'account',
    targetId: o.accountId,
    ip: o.actor.ip,
    data: { fields: Object.keys(o.fields) },
  });
  return res;
}

/** Per-row errors of values (for an import's preview): `[{index, key, message}]`, empty when all fit. */
export async function validateFieldValues(db: Db, o: { orgId: string; rows: Record<string, FieldValue>[] }) {
  const defs = await fieldDefs(db, o.orgId);
  const errors: { index: number; key: string; code: string; message: string }[] = [];
  o.rows.forEach((fields, index) => {
    for (const [key, value] of Object.entries(fields))
      try {
        readValues(defs, '', { [key]: value });
      } catch (err) {
        if (err instanceof AppError) errors.push({ index, key, code: err.text?.key ?? err.code, message: err.message });
        else throw err;
      }
  });
  return errors;
}

/** The signed-in member's own fields that learners may see (or edit), with their values. */
export async function myFields(ctx: AppContext, o: { orgId: string; accountId: string }) {
  const [{ items }, values] = await Promise.all([listFields(ctx, { orgId: o.orgId }), memberFields(ctx.db, o)]);
  return {
    items: items
      .filter((f) => f.learnerVisible || f.learnerEditable)
      .map((f) => ({
        key: f.key,
        label: f.label,
        type: f.type,
        options: f.options,
        editable: f.learnerEditable,
        value: values[f.key] ?? null,
      })),
  };
}

/** The member sets their own values: only fields learners may edit (403 naming the first other one). */
export async function setMyFields(ctx: AppContext, o: { actor: Actor; orgId: string; fields: Record<string, FieldValue> }) {
  const { items } = await listFields(ctx, { orgId: o.orgId });
  const editable = new Set(items.filter((f) => f.learnerEditable).map((f) => f.key));
  const refused = Object.keys(o.fields).find((k) => !editable.has(k));
  if (refused)
    throw new AppError(
      403,
      'field_not_editable',
      `You cannot change the field ${refused}; ask an administrator.`,
      { fields: { [`fields.${refused}`]: 'Not editable by learners.' } },
      { key: 'errors.field_not_editable', params: { field: refused } },
    );
  await ctx.db.transaction((tx) => setMemberFields(ctx, tx, { actor: o.actor, orgId: o.orgId, accountId: o.actor.id, fields: o.fields }));
  return myFields(ctx, { orgId: o.orgId, accountId: o.actor.id });
}
