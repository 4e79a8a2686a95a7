import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import * as repo from './fields.repo.js';
import type { FieldType, FieldValue } from './fields.schemas.js';
import { type FieldDef, presentValue, readValue } from './values.js';

// Profile-field columns of an import (issue 15): which columns of a file name a field, and each
// cell read with the field's type into its canonical value — or a row message saying what is wrong.

export type ImportFieldColumn = FieldDef & { labelEn: string; labelFr: string | null };

/** A cell that does not fit its field, as an import row message (code, the cell, "did you mean"). */
export type CellProblem = { code: string; value: string; suggestion?: string };

const norm = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/** The organization's fields as import columns (key, English and French labels). */
export async function importFieldColumns(db: Db, orgId: string): Promise<ImportFieldColumn[]> {
  return (await repo.listFields(db, orgId)).map((r) => ({
    id: r.id,
    key: r.key,
    type: r.type,
    options: r.options,
    labelEn: r.labelEn,
    labelFr: r.labelFr,
  }));
}

/** The field a header names: its key, English or French label (case-insensitive, trimmed), or undefined. */
export function fieldForHeader(fields: ImportFieldColumn[], header: string): ImportFieldColumn | undefined {
  const h = norm(header);
  if (!h) return undefined;
  return fields.find((f) => norm(f.key) === h) ?? fields.find((f) => norm(f.labelEn) === h) ?? fields.find((f) => norm(f.labelFr) === h);
}

const CODES: Record<string, string> = {
  unknownOptionSuggest: 'field_unknown_option',
  unknownOption: 'field_unknown_option',
  notDate: 'field_not_date',
  notNumber: 'field_not_number',
  notBoolean: 'field_not_boolean',
  notChoice: 'field_not_choice',
  notText: 'field_not_text',
};

/**
 * Reads one cell for a field: `{value}` (null for a blank cell) or `{problem}`. Several options of a
 * multi-choice field are separated by `;` only (an option may contain a comma), as groups are.
 */
export function readImportCell(def: FieldDef, cell: string): { value: FieldValue } | { problem: CellProblem } {
  const text = cell.trim();
  if (text === '') return { value: null };
  const given: FieldValue =
    def.type === 'multi_choice'
      ? text
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean)
      : text;
  try {
    return { value: presentValue(def.type as FieldType, readValue(def, given)) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const reason = (err.text?.key ?? '').split('.').pop() ?? '';
    const details = (err.details ?? {}) as { value?: string; suggestion?: string };
    return {
      problem: {
        code: CODES[reason] ?? 'field_invalid',
        value: (details.value ?? text).slice(0, 200),
        ...(details.suggestion ? { suggestion: details.suggestion } : {}),
      },
    };
  }
}
