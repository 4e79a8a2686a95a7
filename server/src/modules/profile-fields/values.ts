import { AppError } from '../../http/errors.js';
import type { FieldType, FieldValue } from './fields.schemas.js';

// Reading a value given by a person (API, member page, SCIM, import) into the typed columns of
// member_field_values, with an error that says what is wrong — and, for an option that does not
// exist, which one was probably meant.

export type FieldDef = { id: string; key: string; type: FieldType; options: string[] };
/** The typed columns of one value (null everywhere: no value). */
export type StoredValue = { text: string | null; num: number | null; date: string | null; arr: string[] | null };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Edit distance (Levenshtein), case-insensitive: to suggest the option someone meant. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++)
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length] ?? 0;
}

/** The option closest to `given`, when it is close enough to be a typo. */
export function closestOption(given: string, options: string[]): string | null {
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const o of options) {
    const d = distance(given, o);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(best.length / 2)) ? best : null;
}

const invalid = (field: string, key: string, message: string, params: Record<string, string> = {}) =>
  new AppError(
    422,
    'field_value_invalid',
    message,
    { field, fields: { [field]: message }, ...params },
    {
      key: `errors.profileFields.${key}`,
      params: { field, ...params },
    },
  );

/** The option of the field that `given` names (case-insensitive), or a 422 with "did you mean". */
export function canonicalOption(def: FieldDef, given: string): string {
  const found = def.options.find((o) => o.toLowerCase() === given.trim().toLowerCase());
  if (found) return found;
  const suggestion = closestOption(given, def.options);
  if (suggestion)
    throw invalid(def.key, 'unknownOptionSuggest', `“${given}” is not an option of ${def.key}. Did you mean “${suggestion}”?`, {
      value: given,
      suggestion,
    });
  throw invalid(def.key, 'unknownOption', `“${given}” is not an option of ${def.key} (${def.options.join(', ')}).`, {
    value: given,
    options: def.options.join(', '),
  });
}

/** A real calendar date as `YYYY-MM-DD`, or null. */
export function isoDate(v: string): string | null {
  const m = DATE.exec(v.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v.trim() ? v.trim() : null;
}

const EMPTY: StoredValue = { text: null, num: null, date: null, arr: null };

/** Reads a value for a field; null, '' and [] clear it. Throws a translated 422 when it does not fit. */
export function readValue(def: FieldDef, v: FieldValue | undefined): StoredValue {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return EMPTY;
  switch (def.type) {
    case 'text':
      if (typeof v === 'object') throw invalid(def.key, 'notText', `${def.key} takes text.`);
      return { ...EMPTY, text: String(v).trim() };
    case 'choice':
      if (typeof v !== 'string') throw invalid(def.key, 'notChoice', `${def.key} takes one of its options.`);
      return { ...EMPTY, text: canonicalOption(def, v) };
    case 'multi_choice': {
      const list = Array.isArray(v)
        ? v
        : typeof v === 'string'
          ? v
              .split(/[;,]/)
              .map((s) => s.trim())
              .filter(Boolean)
          : null;
      if (!list) throw invalid(def.key, 'notChoice', `${def.key} takes one of its options.`);
      return { ...EMPTY, arr: [...new Set(list.map((s) => canonicalOption(def, s)))] };
    }
    case 'date': {
      const d = typeof v === 'string' ? isoDate(v) : null;
      if (!d) throw invalid(def.key, 'notDate', `“${String(v)}” is not a date (YYYY-MM-DD) for ${def.key}.`, { value: String(v) });
      return { ...EMPTY, date: d };
    }
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim().replace(',', '.')) : Number.NaN;
      if (!Number.isFinite(n)) throw invalid(def.key, 'notNumber', `“${String(v)}” is not a number for ${def.key}.`, { value: String(v) });
      return { ...EMPTY, num: n };
    }
    case 'boolean': {
      const s = String(v).trim().toLowerCase();
      const b = ['true', 'yes', 'oui', '1', 'vrai'].includes(s) ? true : ['false', 'no', 'non', '0', 'faux'].includes(s) ? false : null;
      if (b === null) throw invalid(def.key, 'notBoolean', `${def.key} takes yes or no.`);
      return { ...EMPTY, text: String(b) };
    }
  }
}

/** A stored value as the API shows it. */
export function presentValue(type: FieldType, r: StoredValue): FieldValue {
  if (type === 'multi_choice') return r.arr ?? [];
  if (type === 'date') return r.date;
  if (type === 'number') return r.num === null ? null : Number(r.num);
  if (type === 'boolean') return r.text === null ? null : r.text === 'true';
  return r.text;
}

/** A 422 for a key that is not a field of the organization. */
export const unknownField = (key: string) => invalid(key, 'unknownField', `There is no profile field “${key}”.`);
