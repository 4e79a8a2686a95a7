import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { queryRows } from '../../lib/sql.js';
import { hasSubscribers, recordBatchEvents } from '../webhooks/events.service.js';

// The per-person webhook events of an applied import, in the import's transaction: grouped (one
// message per EVENT_BATCH_SIZE people, `data: {importId, items, count}`), in line order, before the
// one `import.completed`. Nothing is read for an event no endpoint of the organization wants.

type Item = Record<string, unknown>;

/** Records member.joined (accounts created), invitation.created (people invited) and group.member_added (members put in groups). */
export async function recordImportPersonEvents(tx: Db, jobs: JobQueue, o: { orgId: string; importId: string }): Promise<void> {
  const emit = async (type: 'member.joined' | 'invitation.created' | 'group.member_added', q: ReturnType<typeof sql>) => {
    if (!(await hasSubscribers(tx, o.orgId, type))) return;
    await recordBatchEvents(tx, jobs, o.orgId, type, await queryRows<Item>(tx, q), { importId: o.importId });
  };
  await emit(
    'member.joined',
    sql`SELECT r.account_id AS "accountId", r.email, trim(r.first_name || ' ' || r.last_name) AS name, r.role,
        coalesce(r.group_ids, '{}') AS "groupIds", 'import' AS source, nullif(r.external_id, '') AS "externalId"
      FROM import_rows r WHERE r.import_id = ${o.importId} AND r.result = 'created' ORDER BY r.line`,
  );
  await emit(
    'invitation.created',
    sql`SELECT i.id AS "invitationId", r.email, i.role, i.group_ids AS "groupIds", i.send_at AS "sendAt", nullif(r.external_id, '') AS "externalId"
      FROM import_rows r JOIN invitations i ON i.org_id = ${o.orgId} AND i.email_key = r.email_key AND i.kind = 'email' AND i.status IN ('prospect', 'pending')
      WHERE r.import_id = ${o.importId} AND r.result = 'invited' ORDER BY r.line`,
  );
  await emit(
    'group.member_added',
    sql`SELECT r.account_id AS "accountId", g AS "groupId"
      FROM import_rows r, unnest(r.group_ids) g WHERE r.import_id = ${o.importId} AND r.result = 'added_to_groups' ORDER BY r.line, g`,
  );
}
