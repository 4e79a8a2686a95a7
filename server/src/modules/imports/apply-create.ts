import { sql } from 'drizzle-orm';
import type { JobQueue } from '../../jobs/queue.js';
import { queryCount, tsParam } from '../../lib/sql.js';
import { hashTokenSql, newTokenSql } from '../../lib/sql-tokens.js';
import { queueEmailsFrom } from '../../mail/outbox.js';
import { TOKEN_TTL } from '../accounts/accounts.service.js';
import type { ApplyCtx } from './apply-decide.js';
import { lockSeats, seatsLeft } from '../seats/seats.service.js';
import type { ImportMail, Lines } from './apply-invite.js';

/**
 * Mode `create`: managed accounts made at once for every row of the slice decided 'created' (their ids were given
 * by decideRows), active members in their groups; with welcome emails, a set-password link each
 * (never a password). Two statements whatever the number of rows: accounts with their memberships,
 * then group members, tokens and emails.
 * An address that got an account since the rows were decided makes the statement fail (unique key):
 * the job runs again and that row is then skipped, "has an account, invite instead".
 */
export async function createAccounts(
  { tx, importId, orgId, now }: ApplyCtx,
  jobs: JobQueue,
  mail: ImportMail & { sendWelcome: boolean },
  lines: Lines,
  stats: { fresh: boolean },
): Promise<void> {
  const expiresAt = new Date(now.getTime() + TOKEN_TTL.set_password).toISOString();
  const inviter = mail.actor?.name ?? mail.orgName;
  const src = (withToken: boolean) => sql`src AS MATERIALIZED (
      SELECT r.account_id AS id, r.email, r.email_key, coalesce(r.role, 'learner') AS role, r.group_ids, r.location_id, nullif(btrim(r.external_id), '') AS external_id,
             coalesce(nullif(btrim(r.first_name || ' ' || r.last_name), ''), split_part(r.email, '@', 1)) AS name
             ${withToken ? sql`, ${newTokenSql()} AS token` : sql``}
      FROM import_rows r WHERE r.import_id = ${importId} AND r.line >= ${lines.from} AND r.line < ${lines.to} AND r.result = 'created' ORDER BY r.account_id
    )`;
  const created = await queryCount(
    tx,
    sql`WITH ${src(false)},
    new_accounts AS (
      INSERT INTO accounts (id, email, email_key, name, locale, created_at, updated_at)
      SELECT id, email, email_key, name, ${mail.actor?.locale ?? 'en'}::text, ${tsParam(now)}, ${tsParam(now)} FROM src
    ),
    new_members AS (
      INSERT INTO memberships (org_id, account_id, role, status, managed, source, created_at, location_id, external_id)
      SELECT ${orgId}::uuid, id, role, 'active', true, 'import', ${tsParam(now)}, location_id, external_id FROM src
    )
    SELECT count(*)::int AS n FROM src`,
  );
  if (created === 0) return;
  // The foreign key from group_members is checked once per row by a query planned from memberships'
  // statistics: a table that was nearly empty when last analyzed is scanned instead of probed — once
  // per new member (measured: minutes for 100,000). Fresh statistics once this transaction's first
  // members are in: the check's plan is made again, and kept for the next slices.
  if (!stats.fresh) {
    await tx.execute(sql`ANALYZE memberships`);
    stats.fresh = true;
  }
  const inGroups = sql`in_groups AS (
      INSERT INTO group_members (org_id, group_id, account_id, created_at)
      SELECT ${orgId}::uuid, g, src.id, ${tsParam(now)} FROM src, unnest(src.group_ids) g ORDER BY g, src.id
    )`;
  if (!mail.sendWelcome) {
    await tx.execute(sql`WITH ${src(false)}, ${inGroups} SELECT count(*) FROM src`);
    return;
  }
  await queueEmailsFrom(tx, jobs, {
    startAfter: mail.sendAt,
    ctes: sql`${src(true)}, ${inGroups},
    tokens AS (
      INSERT INTO auth_tokens (id, token_hash, purpose, account_id, email_key, expires_at, created_at)
      SELECT troupe_uuid_v7(), ${hashTokenSql(sql`token`)}, 'set_password', id, email_key, ${expiresAt}::timestamptz, ${tsParam(now)} FROM src
    )`,
    select: sql`
      SELECT ${orgId}::uuid, NULL::uuid, src.email, 'welcome-set-password', ${mail.actor?.locale ?? 'en'}::text,
             jsonb_build_object('token', src.token, 'name', src.name, 'orgName', ${mail.orgName}::text, 'inviterName', ${inviter}::text)
      FROM src`,
  });
}

/**
 * Seats (issue 16): with the organization's seat limit locked for the rest of the import's transaction,
 * rows to create beyond the free seats (in line order; staff rows take none) are skipped, `seats_full`.
 */
export async function skipRowsBeyondSeats({ tx, importId, orgId }: ApplyCtx): Promise<void> {
  const { orgLimit } = await lockSeats(tx, orgId);
  if (orgLimit === null) return;
  const free = await seatsLeft(tx, orgId);
  await tx.execute(sql`UPDATE import_rows r SET result = 'skipped', result_reason = 'seats_full', account_id = NULL
    FROM (SELECT line, row_number() OVER (ORDER BY line) AS n FROM import_rows
          WHERE import_id = ${importId} AND result = 'created' AND coalesce(role, 'learner') IN ('learner', 'guest')) x
    WHERE r.import_id = ${importId} AND r.line = x.line AND x.n > ${free}`);
}
