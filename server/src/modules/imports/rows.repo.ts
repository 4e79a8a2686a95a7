import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

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
};
export type RowMessage = { field: string; code: string; level: 'error' | 'info'; stage: 'parse' | 'check'; value?: string; lines?: number[] };

/** Inserts parsed rows with one statement per batch: the rows travel as one JSON parameter. */
export async function insertRows(tx: Db, importId: string, rows: ParsedRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`
    INSERT INTO import_rows (import_id, line, email, email_key, first_name, last_name, group_names, group_ids, role_text, role, location_text, external_id, messages)
    SELECT ${importId}::uuid, u.line, u.email, u."emailKey", u."firstName", u."lastName",
           ARRAY(SELECT jsonb_array_elements_text(u."groupNames")), ARRAY(SELECT jsonb_array_elements_text(u."groupIds"))::uuid[], u."roleText", u.role, u."locationText", u."externalId", u.messages
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS u(line int, email text, "emailKey" text, "firstName" text, "lastName" text, "groupNames" jsonb, "groupIds" jsonb, "roleText" text, role text, "locationText" text, "externalId" text, messages jsonb)`);
}
