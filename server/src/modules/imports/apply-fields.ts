import { sql } from 'drizzle-orm';
import type { JobQueue } from '../../jobs/queue.js';
import { queryRows } from '../../lib/sql.js';
import type { FieldValue } from '../profile-fields/fields.schemas.js';
import { setFieldValuesBulk } from '../profile-fields/fields.service.js';
import { importFieldColumns } from '../profile-fields/import-fields.service.js';
import type { ApplyCtx } from './apply-decide.js';
import type { Lines } from './apply-invite.js';

// Profile-field values of an import (issue 15), through the profile-fields service: one read of the
// slice's rows, then its set-based write and the re-evaluation of the rules reading those fields
// (rule-based groups follow, and their programs through the usual membership path).

/**
 * Sets the values of one slice's rows: new members ('created') get the values of their non-blank
 * cells; updated members ('updated') the fields their planned change names (a blank cell clears only
 * when the import's blank-cells policy is "clear": the change was planned so).
 */
export async function applyFieldValues(
  { tx, importId, orgId, now }: ApplyCtx,
  jobs: JobQueue,
  o: { lines: Lines; result: 'created' | 'updated'; fieldKeys: readonly string[] },
): Promise<void> {
  if (o.fieldKeys.length === 0) return;
  const rows = await queryRows<{ accountId: string; fields: Record<string, FieldValue> | null; changed: string[] | null }>(
    tx,
    sql`SELECT a.id AS "accountId", r.fields,
        ${o.result === 'updated' ? sql`ARRAY(SELECT substr(k, 8) FROM jsonb_object_keys(r.changes) k WHERE k LIKE 'fields.%')` : sql`NULL::text[]`} AS changed
      FROM import_rows r JOIN accounts a ON a.email_key = r.email_key
      WHERE r.import_id = ${importId} AND r.line >= ${o.lines.from} AND r.line < ${o.lines.to} AND r.result = ${o.result}
        AND r.fields IS NOT NULL
        ${o.result === 'updated' ? sql`AND r.changes IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_object_keys(r.changes) k WHERE k LIKE 'fields.%')` : sql``}`,
  );
  // A field deleted since the preview has no values to keep (its values went with it).
  const live = new Set((await importFieldColumns(tx, orgId)).map((f) => f.key));
  const fieldKeys = o.fieldKeys.filter((k) => live.has(k));
  const values = rows
    .map((r) => {
      const given = r.fields ?? {};
      const keys = (r.changed ?? Object.keys(given).filter((k) => given[k] !== null)).filter((k) => live.has(k));
      return { accountId: r.accountId, fields: Object.fromEntries(keys.map((k) => [k, given[k] ?? null])) };
    })
    .filter((r) => Object.keys(r.fields).length > 0 || o.result === 'created');
  if (values.length === 0) return;
  // New members are checked against every rule reading the file's fields, even with blank cells.
  await setFieldValuesBulk(tx, { orgId, rows: values, now, jobs, extraKeys: fieldKeys });
}
