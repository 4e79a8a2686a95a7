import { type SQL, sql } from 'drizzle-orm';
import { AppError } from '../../http/errors.js';
import { ROLES } from '../../http/permissions.js';
import { type Condition, type RuleBody, SOURCES } from './rules.schemas.js';
import { type FieldDef, canonicalOption, isoDate, unknownField } from './values.js';

// A rule becomes ONE SQL predicate over a member row — `m` (memberships) joined to `a` (accounts) —
// with every value a bind parameter, so the database evaluates it for 100,000 people in one scan,
// or for one person with index probes. Values are checked and normalised here (option spelling,
// dates, numbers) so an invalid rule is refused before it is saved.

const bad = (i: number, key: string, message: string, params: Record<string, string> = {}) =>
  new AppError(
    422,
    'rule_invalid',
    message,
    { condition: i, fields: { [`conditions.${i}`]: message } },
    {
      key: `errors.profileFields.${key}`,
      params,
    },
  );

const esc = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const textArray = (values: string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
const numArray = (values: number[]) => sql`ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(${JSON.stringify(values)}::jsonb) x)`;
const dateArray = (values: string[]) => sql`ARRAY(SELECT x::date FROM jsonb_array_elements_text(${JSON.stringify(values)}::jsonb) x)`;

/** The source a membership records, as the built-in field `source` names it. */
const SOURCE_SQL = sql`CASE m.source WHEN 'invitation' THEN 'invitation' WHEN 'passcode' THEN 'invitation' WHEN 'session' THEN 'invitation'
  WHEN 'import' THEN 'import' WHEN 'join_page' THEN 'join_page' WHEN 'domain' THEN 'join_page' WHEN 'sso' THEN 'sso' WHEN 'scim' THEN 'scim' WHEN 'api' THEN 'api' ELSE 'manual' END`;

/** Built-in fields as text expressions over `m` and `a` (lower case: comparisons ignore case). */
const BUILT_IN_TEXT: Record<string, SQL> = {
  email_domain: sql`split_part(a.email_key, '@', 2)`,
  role: sql`m.role`,
  source: SOURCE_SQL,
  // The member's own (set by imports that update), else the id another system provisioned them with.
  external_id: sql`lower(coalesce(nullif(m.external_id, ''),
    (SELECT pp.external_id FROM provisioned_people pp WHERE pp.org_id = m.org_id AND pp.account_id = m.account_id LIMIT 1),
    (SELECT su.external_id FROM scim_users su WHERE su.org_id = m.org_id AND su.account_id = m.account_id LIMIT 1)))`,
  // A member's location: their own (set by imports that update), else the one of the invitation they accepted.
  location: sql`lower(coalesce((SELECT l.name FROM locations l WHERE l.id = m.location_id),
    (SELECT l.name FROM invitations i JOIN locations l ON l.id = i.location_id
      WHERE i.org_id = m.org_id AND i.account_id = m.account_id AND i.status = 'active' ORDER BY i.accepted_at DESC NULLS LAST LIMIT 1)))`,
};

const list = (c: Condition): string[] =>
  Array.isArray(c.value) ? c.value.map(String) : c.value === null || c.value === undefined ? [] : [String(c.value)];
const one = (i: number, c: Condition): string => {
  const v = list(c);
  if (v.length !== 1 || v[0]?.trim() === '') throw bad(i, 'ruleValueMissing', 'Give a value for this condition.');
  return (v[0] ?? '').trim();
};
const wantsEmpty = (c: Condition) => !(c.value === false || c.value === 'false');
const dateOf = (i: number, v: string) => {
  const d = isoDate(v);
  if (!d) throw bad(i, 'ruleNotDate', `“${v}” is not a date (YYYY-MM-DD).`, { value: v });
  return d;
};
const numOf = (i: number, v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw bad(i, 'ruleNotNumber', `“${v}” is not a number.`, { value: v });
  return n;
};
const opRefused = (i: number, c: Condition) =>
  bad(i, 'ruleOpRefused', `The operator ${c.op} does not apply to ${c.field}.`, { op: c.op, field: c.field });

/** A text expression compared case-insensitively. */
function textPredicate(i: number, c: Condition, e: SQL): SQL {
  switch (c.op) {
    case 'eq':
      return sql`${e} = ${one(i, c).toLowerCase()}`;
    case 'in': {
      const v = list(c)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      if (!v.length) throw bad(i, 'ruleValueMissing', 'Give a value for this condition.');
      return sql`${e} = ANY(${textArray(v)})`;
    }
    case 'contains':
      return sql`${e} LIKE ${`%${esc(one(i, c).toLowerCase())}%`}`;
    case 'starts_with':
      return sql`${e} LIKE ${`${esc(one(i, c).toLowerCase())}%`}`;
    case 'empty':
      return wantsEmpty(c) ? sql`coalesce(${e}, '') = ''` : sql`coalesce(${e}, '') <> ''`;
    default:
      throw opRefused(i, c);
  }
}

/** An ordered expression (number or date) compared with values read by `read`. */
function orderedPredicate(i: number, c: Condition, e: SQL, read: (v: string) => SQL, arr: (v: string[]) => SQL): SQL {
  switch (c.op) {
    case 'eq':
      return sql`${e} = ${read(one(i, c))}`;
    case 'before':
      return sql`${e} < ${read(one(i, c))}`;
    case 'after':
      return sql`${e} > ${read(one(i, c))}`;
    case 'in':
      return sql`${e} = ANY(${arr(list(c))})`;
    case 'empty':
      return wantsEmpty(c) ? sql`${e} IS NULL` : sql`${e} IS NOT NULL`;
    default:
      throw opRefused(i, c);
  }
}

/** A profile field: a condition on its row of member_field_values (none: empty). */
function customPredicate(i: number, c: Condition, f: FieldDef): SQL {
  const has = (p: SQL) =>
    sql`EXISTS (SELECT 1 FROM member_field_values v WHERE v.field_id = ${f.id}::uuid AND v.account_id = m.account_id AND ${p})`;
  const option = (v: string) => {
    try {
      return canonicalOption(f, v);
    } catch (err) {
      if (err instanceof AppError)
        throw new AppError(422, 'rule_invalid', err.message, { condition: i, ...(err.details as object) }, err.text);
      throw err;
    }
  };
  if (c.op === 'empty') {
    const filled =
      f.type === 'multi_choice'
        ? sql`cardinality(v.value_arr) > 0`
        : sql`coalesce(v.value_text, v.value_num::text, v.value_date::text, '') <> ''`;
    return wantsEmpty(c) ? sql`NOT ${has(filled)}` : has(filled);
  }
  switch (f.type) {
    case 'text':
      return has(textPredicate(i, c, sql`v.value_key`));
    case 'choice':
      if (c.op === 'eq' || c.op === 'in') return has(textPredicate(i, { ...c, value: list(c).map(option) }, sql`v.value_key`));
      return has(textPredicate(i, c, sql`v.value_key`));
    case 'boolean': {
      if (c.op !== 'eq') throw opRefused(i, c);
      const v = one(i, c).toLowerCase();
      return has(sql`v.value_key = ${['true', 'yes', 'oui', '1'].includes(v) ? 'true' : 'false'}`);
    }
    case 'multi_choice':
      if (c.op === 'eq' || c.op === 'contains') return has(sql`${option(one(i, c))} = ANY(v.value_arr)`);
      if (c.op === 'in') return has(sql`v.value_arr && ${textArray(list(c).map(option))}`);
      throw opRefused(i, c);
    case 'number':
      return has(
        orderedPredicate(
          i,
          c,
          sql`v.value_num`,
          (v) => sql`${numOf(i, v)}::float8`,
          (v) => numArray(v.map((x) => numOf(i, x))),
        ),
      );
    case 'date':
      return has(
        orderedPredicate(
          i,
          c,
          sql`v.value_date`,
          (v) => sql`${dateOf(i, v)}::date`,
          (v) => dateArray(v.map((x) => dateOf(i, x))),
        ),
      );
  }
}

function builtInPredicate(i: number, c: Condition): SQL | undefined {
  if (c.field === 'joined_at')
    return orderedPredicate(
      i,
      c,
      sql`(m.created_at AT TIME ZONE 'UTC')::date`,
      (v) => sql`${dateOf(i, v)}::date`,
      (v) => dateArray(v.map((x) => dateOf(i, x))),
    );
  const e = BUILT_IN_TEXT[c.field];
  if (!e) return undefined;
  if (c.field === 'role' || c.field === 'source') {
    const allowed: readonly string[] = c.field === 'role' ? ROLES : SOURCES;
    for (const v of list(c))
      if (!allowed.includes(v.trim().toLowerCase()))
        throw bad(i, 'ruleUnknownValue', `“${v}” is not a value of ${c.field} (${allowed.join(', ')}).`, {
          value: v,
          field: c.field,
          options: allowed.join(', '),
        });
  }
  return textPredicate(i, c, e);
}

/** The rule as one predicate over `m`/`a`, and the field keys it reads. Throws 422 on an invalid condition. */
export function compileRule(rule: RuleBody, fields: Map<string, FieldDef>): { predicate: SQL; keys: string[] } {
  const parts = rule.conditions.map((c, i) => {
    const built = builtInPredicate(i, c);
    if (built) return built;
    const f = fields.get(c.field);
    if (!f) {
      const err = unknownField(c.field);
      throw new AppError(422, 'rule_invalid', err.message, { condition: i, field: c.field }, err.text);
    }
    return customPredicate(i, c, f);
  });
  const predicate = sql`(${sql.join(parts, rule.match === 'all' ? sql` AND ` : sql` OR `)})`;
  return { predicate, keys: [...new Set(rule.conditions.map((c) => c.field))] };
}
