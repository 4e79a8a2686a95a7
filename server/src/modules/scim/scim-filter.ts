import { type SQL, sql } from 'drizzle-orm';
import { type Filter, parse } from 'scim2-parse-filter';
import { invalidFilter } from './scim-errors.js';

// SCIM filters (RFC 7644 §3.4.2.2) → a parameterised SQL condition. Only the attributes and operators
// listed here are supported; anything else is a 400 invalidFilter, never ignored (an ignored filter
// answers with the wrong people, and an identity provider then links the wrong person).

export const MAX_FILTER_LENGTH = 1000;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user:';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:group:';

type Column = { sql: SQL; kind: 'text' | 'ci' | 'bool' | 'uuid' };
/** Attribute (lower-case, without its schema URN) → the column it reads. */
export type FilterColumns = Record<string, Column>;

export const USER_FILTER_COLUMNS: FilterColumns = {
  id: { sql: sql`su.id`, kind: 'uuid' },
  username: { sql: sql`su.user_name_key`, kind: 'ci' },
  externalid: { sql: sql`su.external_id`, kind: 'text' },
  active: { sql: sql`su.active`, kind: 'bool' },
  'emails.value': { sql: sql`su.email_key`, kind: 'ci' },
  emails: { sql: sql`su.email_key`, kind: 'ci' },
  displayname: { sql: sql`su.display_name`, kind: 'text' },
  'name.givenname': { sql: sql`su.given_name`, kind: 'text' },
  'name.familyname': { sql: sql`su.family_name`, kind: 'text' },
  employeenumber: { sql: sql`su.employee_number`, kind: 'text' },
  department: { sql: sql`su.department`, kind: 'text' },
  'manager.value': { sql: sql`su.manager_id`, kind: 'text' },
};

export const GROUP_FILTER_COLUMNS: FilterColumns = {
  id: { sql: sql`sg.id`, kind: 'uuid' },
  displayname: { sql: sql`g.name_key`, kind: 'ci' },
  externalid: { sql: sql`sg.external_id`, kind: 'text' },
  'members.value': {
    sql: sql`(SELECT sgm.scim_user_id FROM scim_group_members sgm WHERE sgm.scim_group_id = sg.id)`,
    kind: 'uuid',
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function attributeOf(path: string): string {
  let p = path.toLowerCase();
  for (const urn of [ENTERPRISE, CORE_USER, CORE_GROUP]) if (p.startsWith(urn)) p = p.slice(urn.length);
  return p;
}

function compare(f: Extract<Filter, { op: 'eq' }> | { op: string; attrPath: string; compValue: unknown }, columns: FilterColumns): SQL {
  const attr = attributeOf(f.attrPath);
  const col = columns[attr];
  if (!col) throw invalidFilter(`Filtering on “${f.attrPath}” is not supported.`);
  if (f.op !== 'eq') throw invalidFilter(`The operator “${f.op}” is not supported; use eq, and, or.`);
  const v = f.compValue;
  if (col.kind === 'bool') {
    if (typeof v !== 'boolean') throw invalidFilter(`${f.attrPath} compares with true or false.`);
    return sql`${col.sql} = ${v}`;
  }
  if (typeof v !== 'string') throw invalidFilter(`${f.attrPath} compares with a string.`);
  if (col.kind === 'uuid') {
    if (!UUID.test(v)) return sql`false`; // no resource has this id
    return attr === 'members.value' ? sql`${v}::uuid IN ${col.sql}` : sql`${col.sql} = ${v.toLowerCase()}::uuid`;
  }
  if (col.kind === 'ci') return sql`${col.sql} = ${v.toLowerCase()}`;
  return sql`${col.sql} = ${v}`;
}

function translate(f: Filter, columns: FilterColumns, depth: number): SQL {
  if (depth > 20) throw invalidFilter('The filter is nested too deeply.');
  switch (f.op) {
    case 'and':
    case 'or': {
      const parts = f.filters.map((x) => sql`(${translate(x, columns, depth + 1)})`);
      return sql.join(parts, f.op === 'and' ? sql` AND ` : sql` OR `);
    }
    case '[]': {
      // emails[type eq "work" and value eq "x"]: only the value comparison is meaningful (one email is kept).
      const inner = f.valFilter;
      const prefix = attributeOf(f.attrPath);
      const rewrite = (x: Filter): Filter => {
        if (x.op === 'and' || x.op === 'or') return { ...x, filters: x.filters.map(rewrite) };
        if ('attrPath' in x && x.op !== '[]') {
          if (prefix === 'emails' && x.attrPath.toLowerCase() === 'type') return { op: 'pr', attrPath: '__true' } as Filter;
          return { ...x, attrPath: `${prefix}.${x.attrPath}` } as Filter;
        }
        throw invalidFilter('This filter form is not supported.');
      };
      return translate(rewrite(inner), columns, depth + 1);
    }
    case 'pr':
      if (f.attrPath === '__true') return sql`true`;
      throw invalidFilter('The operator “pr” is not supported; use eq, and, or.');
    case 'not':
      throw invalidFilter('The operator “not” is not supported; use eq, and, or.');
    default:
      return compare(f as { op: string; attrPath: string; compValue: unknown }, columns);
  }
}

/** Parses a SCIM filter and turns it into a parameterised SQL condition over `columns`. */
export function filterToSql(filter: string | undefined, columns: FilterColumns): SQL {
  if (filter === undefined || filter.trim() === '') return sql`true`;
  if (filter.length > MAX_FILTER_LENGTH) throw invalidFilter(`A filter is at most ${MAX_FILTER_LENGTH} characters.`);
  let ast: Filter;
  try {
    ast = parse(filter);
  } catch {
    throw invalidFilter('The filter could not be parsed.');
  }
  return translate(ast, columns, 0);
}
