import type { Filter } from 'scim2-parse-filter';
import { parse } from 'scim2-parse-filter';
import { invalidPath, invalidSyntax, invalidValue, ScimError } from './scim-errors.js';

// PATCH (RFC 7644 §3.5.2) applied to a resource's JSON. The result is validated like a PUT body, so
// PATCH, PUT and POST share one set of rules. Entra ID and Okta forms handled: ops in any case
// (`Replace`), path-less values whose keys are dotted (`name.givenName`) or URN-prefixed,
// `emails[type eq "work"].value`, `members[value eq "id"]`, and `remove` with a `value` list.

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const MAX_OPERATIONS = 1000;

type Json = Record<string, unknown>;
/** What a resource type allows: top-level attributes (lower-case → canonical), multi-valued ones, complex ones, extension URNs. */
export type Shape = {
  attributes: Record<string, string>;
  multi: Set<string>;
  complex: Set<string>;
  readOnly: Set<string>;
  extensions: Record<string, Record<string, string>>; // urn (lower-case) → attributes (lower-case → canonical)
  extensionUrns: Record<string, string>; // urn (lower-case) → canonical urn
};

type Target = {
  container: 'core' | string; // an extension's canonical URN
  attr: string; // canonical attribute name
  filter?: Filter;
  sub?: string;
};

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Finds a key case-insensitively. */
function keyOf(obj: Json, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

function parsePath(path: string, shape: Shape): Target {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1000) throw invalidPath('The path is not valid.');
  let rest = path;
  let container: string = 'core';
  const lower = path.toLowerCase();
  for (const [urnLower, urn] of Object.entries(shape.extensionUrns)) {
    if (lower.startsWith(`${urnLower}:`)) {
      container = urn;
      rest = path.slice(urn.length + 1);
    } else if (lower === urnLower) throw invalidPath(`The path ${path} names a schema, not an attribute.`);
  }
  const coreUrn = Object.keys(shape.attributes).length ? 'urn:ietf:params:scim:schemas:core:2.0:' : '';
  if (container === 'core' && rest.toLowerCase().startsWith(coreUrn))
    rest = rest.replace(/^urn:ietf:params:scim:schemas:core:2\.0:\w+:/i, '');
  const m = /^([A-Za-z][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z][\w$-]*))?$/.exec(rest);
  if (!m?.[1]) throw invalidPath(`The path ${path} is not valid.`);
  const names = container === 'core' ? shape.attributes : (shape.extensions[container.toLowerCase()] ?? {});
  const attr = names[m[1].toLowerCase()];
  if (!attr) throw invalidPath(`The attribute ${m[1]} does not exist on this resource.`);
  if (container === 'core' && shape.readOnly.has(attr)) throw new ScimError(400, `${attr} cannot be changed.`, 'mutability');
  let filter: Filter | undefined;
  if (m[2]) {
    try {
      filter = parse(m[2]);
    } catch {
      throw invalidPath(`The filter in ${path} could not be parsed.`);
    }
  }
  return { container, attr, filter, sub: m[3] };
}

/** Whether a multi-valued attribute's element matches a value filter (eq, and, or; attribute names and text compared case-insensitively). */
function matches(el: unknown, f: Filter): boolean {
  if (!isObject(el)) return false;
  switch (f.op) {
    case 'and':
      return f.filters.every((x) => matches(el, x));
    case 'or':
      return f.filters.some((x) => matches(el, x));
    case 'eq': {
      const k = keyOf(el, f.attrPath);
      const v = k === undefined ? undefined : el[k];
      if (typeof v === 'string' && typeof f.compValue === 'string') return v.toLowerCase() === f.compValue.toLowerCase();
      return v === f.compValue;
    }
    case 'pr': {
      const k = keyOf(el, f.attrPath);
      return k !== undefined && el[k] !== null && el[k] !== undefined;
    }
    default:
      throw invalidPath(`The operator ${f.op} is not supported in a PATCH path; use eq, and, or.`);
  }
}

/** A new element for `emails[type eq "work"].value` when none matches (Entra adds the work email this way). */
function elementFromFilter(f: Filter): Json | null {
  if (f.op === 'eq' && typeof f.compValue === 'string') return { [f.attrPath]: f.compValue };
  if (f.op === 'and') {
    const parts = f.filters.map(elementFromFilter);
    return parts.every(Boolean) ? Object.assign({}, ...parts) : null;
  }
  return null;
}

function containerOf(doc: Json, t: Target, create: boolean): Json | undefined {
  if (t.container === 'core') return doc;
  const k = keyOf(doc, t.container);
  if (k && isObject(doc[k])) return doc[k] as Json;
  if (!create) return undefined;
  const fresh: Json = {};
  doc[t.container] = fresh;
  return fresh;
}

function setKey(obj: Json, name: string, value: unknown) {
  const k = keyOf(obj, name);
  if (k && k !== name) delete obj[k];
  obj[name] = value;
}

/** What makes two values of a multi-valued attribute the same (their `value`, case-insensitively), for set-based adds and removes. */
const identity = (el: unknown): string =>
  isObject(el) && el.value !== undefined ? `v:${String(el.value).toLowerCase()}` : `j:${JSON.stringify(el)}`;

function applyAt(doc: Json, t: Target, op: 'add' | 'replace' | 'remove', value: unknown, shape: Shape) {
  const c = containerOf(doc, t, op !== 'remove');
  if (!c) return;
  const isMulti = t.container === 'core' && shape.multi.has(t.attr);
  const isComplex = t.container === 'core' ? shape.complex.has(t.attr) : t.attr === 'manager';
  const current = c[keyOf(c, t.attr) ?? t.attr];
  if (t.filter) {
    if (!isMulti) throw invalidPath(`${t.attr} is not multi-valued; a filter cannot select in it.`);
    const list = Array.isArray(current) ? [...current] : [];
    const hits = list.filter((el) => matches(el, t.filter as Filter));
    if (op === 'remove') {
      setKey(
        c,
        t.attr,
        t.sub ? list.map((el) => (hits.includes(el) ? omit(el as Json, t.sub as string) : el)) : list.filter((el) => !hits.includes(el)),
      );
      return;
    }
    if (hits.length === 0) {
      const seed = elementFromFilter(t.filter);
      if (!seed) throw new ScimError(400, `No value of ${t.attr} matches the filter.`, 'noTarget');
      const el = t.sub ? { ...seed, [t.sub]: value } : isObject(value) ? { ...seed, ...value } : seed;
      setKey(c, t.attr, [...list, el]);
      return;
    }
    setKey(
      c,
      t.attr,
      list.map((el) => {
        if (!hits.includes(el)) return el;
        if (t.sub) return { ...(el as Json), [t.sub]: value };
        if (!isObject(value)) throw invalidValue(`The value for ${t.attr} must be an object.`);
        return op === 'replace' ? { ...value } : { ...(el as Json), ...value };
      }),
    );
    return;
  }
  if (t.sub) {
    if (isMulti) {
      // emails.value without a filter: every element.
      const list = Array.isArray(current) ? current : [];
      setKey(
        c,
        t.attr,
        list.map((el) => (op === 'remove' ? omit(el as Json, t.sub as string) : { ...(el as Json), [t.sub as string]: value })),
      );
      return;
    }
    const obj = isObject(current) ? { ...current } : {};
    if (op === 'remove') delete obj[keyOf(obj, t.sub) ?? t.sub];
    else setKey(obj, t.sub, value);
    setKey(c, t.attr, obj);
    return;
  }
  if (op === 'remove') {
    if (isMulti && value !== undefined && value !== null) {
      // Entra removes members with `value: [{value: id}, …]`.
      const gone = new Set((Array.isArray(value) ? value : [value]).map(identity));
      const list = Array.isArray(current) ? current : [];
      setKey(
        c,
        t.attr,
        list.filter((el) => !gone.has(identity(el))),
      );
      return;
    }
    const k = keyOf(c, t.attr);
    if (k) delete c[k];
    return;
  }
  if (isMulti) {
    const incoming = Array.isArray(value) ? value : [value];
    if (op === 'replace') setKey(c, t.attr, incoming);
    else {
      const list = Array.isArray(current) ? [...current] : [];
      const seen = new Set(list.map(identity));
      for (const v of incoming) {
        const id = identity(v);
        if (!seen.has(id)) {
          seen.add(id);
          list.push(v);
        }
      }
      setKey(c, t.attr, list);
    }
    return;
  }
  if (isComplex && isObject(value)) {
    setKey(c, t.attr, { ...(isObject(current) ? current : {}), ...value });
    return;
  }
  setKey(c, t.attr, value);
}

function omit(obj: Json, key: string): Json {
  const copy = { ...obj };
  delete copy[keyOf(copy, key) ?? key];
  return copy;
}

/** Applies a PatchOp body to a copy of `doc`; throws a SCIM 400 for a malformed body, an unknown path or op. */
export function applyPatch(doc: Json, body: unknown, shape: Shape): Json {
  if (!isObject(body)) throw invalidSyntax('The body must be a JSON object.');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_OP_SCHEMA)) throw invalidSyntax(`A PATCH body has the schema ${PATCH_OP_SCHEMA}.`);
  const ops = body.Operations ?? body.operations;
  if (!Array.isArray(ops) || ops.length === 0) throw invalidSyntax('A PATCH body has a non-empty Operations list.');
  if (ops.length > MAX_OPERATIONS) throw invalidValue(`At most ${MAX_OPERATIONS} operations in one PATCH.`);
  const out: Json = structuredClone(doc);
  for (const raw of ops) {
    if (!isObject(raw)) throw invalidSyntax('Each operation is an object.');
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove')
      throw invalidSyntax(`Unknown operation “${String(raw.op)}”; use add, replace or remove.`);
    const value = raw.value;
    if (typeof raw.path === 'string' && raw.path.trim() !== '') {
      if (op !== 'remove' && value === undefined) throw invalidValue(`The ${op} operation on ${raw.path} needs a value.`);
      applyAt(out, parsePath(raw.path.trim(), shape), op, value, shape);
      continue;
    }
    if (raw.path !== undefined && typeof raw.path !== 'string') throw invalidPath('The path must be a string.');
    if (op === 'remove') throw new ScimError(400, 'A remove operation needs a path.', 'noTarget');
    if (!isObject(value)) throw invalidValue(`A ${op} operation without a path needs an object value.`);
    for (const [k, v] of Object.entries(value)) {
      const urn = shape.extensionUrns[k.toLowerCase()];
      if (urn && isObject(v)) {
        for (const [sk, sv] of Object.entries(v)) applyAt(out, parsePath(`${urn}:${sk}`, shape), op, sv, shape);
        continue;
      }
      if (k.toLowerCase() === 'schemas' || k.toLowerCase() === 'id' || k.toLowerCase() === 'meta') continue; // Okta sends the id back
      const t = parsePath(k, shape);
      if (op === 'replace' && !t.sub && !t.filter && isObject(v) && (t.container === 'core' ? shape.complex.has(t.attr) : false)) {
        applyAt(out, t, 'add', v, shape); // replacing a complex attribute replaces the sub-attributes given
      } else applyAt(out, t, op, v, shape);
    }
  }
  return out;
}
