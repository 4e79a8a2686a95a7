import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { copyRows, copyText } from '../../db/copy.js';
import type { FieldValue } from '../profile-fields/fields.schemas.js';

export type ParsedRow = {
  line: number;
  email: string;
  emailKey: string | null;
  firstName: string;
  lastName: string;
  groupNames: string[];
  groupIds: string[];
  roleText: string;
  role: string | null;
  locationText: string;
  externalId: string;
  messages: RowMessage[];
  /** Profile-field values of the file's field columns ({key: value}, null: blank), or null without such columns. */
  fields: Record<string, FieldValue> | null;
};
export type RowMessage = {
  field: string;
  code: string;
  level: 'error' | 'info';
  stage: 'parse' | 'check';
  value?: string;
  lines?: number[];
  suggestion?: string;
};

/** A PostgreSQL array literal of texts (each element quoted), read back by a `::text[]` cast. */
function textArrayLiteral(items: readonly string[]): string {
  return `{${items.map((x) => `"${x.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** The columns a preview writes, in the order of both the COPY lines and the INSERT. */
const COLUMNS = [
  'import_id',
  'line',
  'email',
  'email_key',
  'first_name',
  'last_name',
  'group_names',
  'group_ids',
  'role_text',
  'role',
  'location_text',
  'external_id',
  'messages',
  'fields',
] as const;

/** The rows as COPY text, in COLUMNS' order. */
function copyLines(importId: string, rows: ParsedRow[]): string {
  let out = '';
  for (const r of rows) {
    out += `${importId}\t${r.line}\t${copyText(r.email)}\t${copyText(r.emailKey)}\t${copyText(r.firstName)}\t${copyText(r.lastName)}\t${copyText(
      textArrayLiteral(r.groupNames),
    )}\t{${r.groupIds.join(',')}}\t${copyText(r.roleText)}\t${copyText(r.role)}\t${copyText(r.locationText)}\t${copyText(r.externalId)}\t${
      r.messages.length ? copyText(JSON.stringify(r.messages)) : '[]'
    }\t${r.fields ? copyText(JSON.stringify(r.fields)) : '\\N'}\n`;
  }
  return out;
}

/**
 * On PostgreSQL, parsed rows are copied (COPY), one COPY per batch. On the embedded database they are
 * inserted with one statement per batch: each column travels as ONE array parameter,
 * unnested side by side (the server reads arrays far faster than a JSON document of records).
 */
export async function insertRows(tx: Db, importId: string, rows: ParsedRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (await copyRows(tx, 'import_rows', COLUMNS, copyLines(importId, rows))) return;
  const col = <T>(f: (r: ParsedRow) => T) => sql.param(rows.map(f));
  await tx.execute(sql`
    INSERT INTO import_rows (${sql.raw(COLUMNS.join(', '))})
    SELECT ${importId}::uuid, u.line, u.email, u.email_key, u.first_name, u.last_name, u.group_names::text[], u.group_ids::uuid[],
           u.role_text, u.role, u.location_text, u.external_id, u.messages::jsonb, u.fields::jsonb
    FROM unnest(${col((r) => r.line)}::int[], ${col((r) => r.email)}::text[], ${col((r) => r.emailKey)}::text[], ${col((r) => r.firstName)}::text[],
                ${col((r) => r.lastName)}::text[], ${col((r) => textArrayLiteral(r.groupNames))}::text[], ${col((r) => `{${r.groupIds.join(',')}}`)}::text[],
                ${col((r) => r.roleText)}::text[], ${col((r) => r.role)}::text[], ${col((r) => r.locationText)}::text[], ${col((r) => r.externalId)}::text[],
                ${col((r) => (r.messages.length ? JSON.stringify(r.messages) : '[]'))}::text[],
                ${col((r) => (r.fields ? JSON.stringify(r.fields) : null))}::text[])
      AS u(line, email, email_key, first_name, last_name, group_names, group_ids, role_text, role, location_text, external_id, messages, fields)`);
}
