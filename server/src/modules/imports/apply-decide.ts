import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryCount, tsParam, uuidArray } from '../../lib/sql.js';
import type { ImportMode } from './preview.service.js';
import { keyExpr } from './validate.js';

export type ApplyCtx = { tx: Db; importId: string; orgId: string; now: Date };

const hasGroupMessage = sql`r.messages @> '[{"field": "groups"}]'`;
const onlyGroupErrors = sql`NOT jsonb_path_exists(r.messages, '$[*] ? (@.level == "error" && @.code != "unknown_group")')`;

/**
 * "Create missing groups": makes the groups the file names that do not exist yet, then gives the rows
 * that named them their group ids. Rows whose only problem was an unknown group become valid (their
 * messages say the group was created). Returns how many rows changed from invalid to valid.
 */
export async function createMissingGroups({ tx, importId, orgId, now }: ApplyCtx): Promise<number> {
  await tx.execute(sql`
    INSERT INTO groups (org_id, name, name_key, created_at, updated_at)
    SELECT DISTINCT ON (key) ${orgId}::uuid, name, key, ${tsParam(now)}, ${tsParam(now)} FROM (
      SELECT regexp_replace(btrim(n), '\\s+', ' ', 'g') AS name, ${keyExpr('n')} AS key
      FROM import_rows r, unnest(r.group_names) n
      WHERE r.import_id = ${importId} AND r.outcome IN ('valid', 'invalid') AND btrim(n) <> '' AND ${hasGroupMessage} AND ${onlyGroupErrors}
    ) x
    WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.org_id = ${orgId} AND g.name_key = x.key)
    ORDER BY key, name
    ON CONFLICT DO NOTHING`);
  const eligible = sql`r.import_id = ${importId} AND r.outcome IN ('valid', 'invalid') AND ${hasGroupMessage} AND ${onlyGroupErrors}`;
  const madeValid = await queryCount(tx, sql`SELECT count(*)::int AS n FROM import_rows r WHERE ${eligible} AND r.outcome = 'invalid'`);
  // Only the rows that named a missing group are read again; each distinct name is looked up once.
  await tx.execute(sql`
    WITH names AS (
      SELECT DISTINCT n AS name FROM import_rows r, unnest(r.group_names) n WHERE r.import_id = ${importId} AND ${hasGroupMessage}
    ), found AS (
      SELECT DISTINCT ON (nm.name) nm.name, g.id FROM names nm JOIN groups g ON g.org_id = ${orgId} AND g.name_key = ${keyExpr('nm.name')}
      ORDER BY nm.name, g.created_at
    )
    UPDATE import_rows r SET
      group_ids = ARRAY(SELECT DISTINCT f.id FROM unnest(r.group_names) n JOIN found f ON f.name = n),
      messages = (SELECT coalesce(jsonb_agg(CASE WHEN m->>'code' = 'unknown_group' THEN m || '{"code": "group_will_be_created", "level": "info"}' ELSE m END), '[]')
                  FROM jsonb_array_elements(r.messages) m),
      outcome = 'valid'
    WHERE ${eligible}`);
  return madeValid;
}

/**
 * Decides every row's result in one pass over the rows, against the organization as it is now (not as
 * it was at the preview): a group, location or role that went away since is a reason to skip the row.
 * People who are already active members are put in the file's groups ("added to groups", or "already
 * there") by the same statement. In mode `create`, rows to create get their new account's id here
 * (time-ordered, so the accounts and every index on account ids fill page by page).
 * Rows that were not valid at the preview are skipped with their outcome as the reason.
 */
export async function decideRows(
  { tx, importId, orgId, now }: ApplyCtx,
  o: { mode: ImportMode; allowedRoles: string[]; groupSeats?: { groupId: string; free: number }[] },
): Promise<void> {
  const invite = o.mode === 'invite';
  const limited = o.groupSeats?.length ? o.groupSeats : null;
  await tx.execute(sql`
    WITH live_groups AS (
      SELECT coalesce(array_agg(id), '{}') AS ids FROM groups WHERE org_id = ${orgId}
    ), ${limited ? sql`checked` : sql`state`} AS MATERIALIZED (
      SELECT r.line, r.email_key, r.group_ids, a.id AS account_id, (m.account_id IS NOT NULL) AS member,
        ${limited ? sql`coalesce(CASE WHEN m.account_id IS NOT NULL THEN m.role ELSE r.role END, 'learner') AS role,` : sql``}
        CASE
          WHEN NOT (r.group_ids <@ (SELECT ids FROM live_groups)) THEN 'unknown_group'
          WHEN r.location_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM locations l WHERE l.id = r.location_id AND l.org_id = ${orgId} AND l.archived_at IS NULL) THEN 'unknown_location'
          WHEN r.role IS NOT NULL AND NOT (r.role = ANY(string_to_array(${o.allowedRoles.join(',')}, ','))) THEN 'role_not_allowed'
        END AS problem
      FROM import_rows r
      LEFT JOIN accounts a ON a.email_key = r.email_key
      LEFT JOIN memberships m ON m.org_id = ${orgId} AND m.account_id = a.id AND m.status = 'active'
      WHERE r.import_id = ${importId} AND r.outcome = 'valid'
    ), ${limited ? groupSeatsCtes(orgId, limited, invite) : sql``} added AS (
      INSERT INTO group_members (org_id, group_id, account_id, created_at)
      SELECT ${orgId}::uuid, g, s.account_id, ${tsParam(now)} FROM state s, unnest(s.group_ids) g WHERE s.member AND s.problem IS NULL
      ON CONFLICT DO NOTHING
      RETURNING account_id
    ), decided AS (
      SELECT s.line, s.account_id, s.problem, s.member, ad.account_id IS NOT NULL AS added_some,
        ${invite ? sql`oi.email_key IS NOT NULL` : sql`false`} AS invited_already
      FROM state s
      LEFT JOIN (SELECT DISTINCT account_id FROM added) ad ON ad.account_id = s.account_id
      ${invite ? sql`LEFT JOIN (SELECT DISTINCT email_key FROM invitations WHERE org_id = ${orgId} AND status IN ('prospect', 'pending')) oi ON oi.email_key = s.email_key` : sql``}
    )
    UPDATE import_rows r SET
      result = CASE
        WHEN d.problem IS NOT NULL THEN 'skipped'
        WHEN d.member THEN CASE WHEN d.added_some THEN 'added_to_groups' ELSE 'already_there' END
        WHEN d.invited_already THEN 'skipped'
        ${invite ? sql`ELSE 'invited'` : sql`WHEN d.account_id IS NOT NULL THEN 'skipped' ELSE 'created'`}
      END,
      result_reason = CASE
        WHEN d.problem IS NOT NULL THEN d.problem
        WHEN d.member THEN NULL
        WHEN d.invited_already THEN 'already_invited'
        ${invite ? sql`` : sql`WHEN d.account_id IS NOT NULL THEN 'has_account_invite_instead'`}
      END,
      account_id = ${invite ? sql`d.account_id` : sql`CASE WHEN d.problem IS NULL AND d.account_id IS NULL THEN troupe_uuid_v7() ELSE d.account_id END`}
    FROM decided d
    WHERE r.import_id = ${importId} AND r.line = d.line`);
  await tx.execute(
    sql`UPDATE import_rows SET result = 'skipped', result_reason = outcome WHERE import_id = ${importId} AND outcome <> 'valid'`,
  );
}

/**
 * Seats of limited groups (issue 16), for `decideRows`: the rows that would take a seat in a limited
 * group now (active members added to it; in mode `create`, new accounts with a seat-taking role) get
 * the group's free seats in line order, and the rows beyond them are skipped, `group_seats_full`: not
 * created, not added to any group. A row skipped for one group still counts in another's order, so
 * where limited groups overlap a group may keep a seat free; it is never overfilled. `checked` is the
 * rows' state before this; `state` after it.
 */
function groupSeatsCtes(orgId: string, limited: { groupId: string; free: number }[], invite: boolean): SQL {
  return sql`limited(group_id, free) AS (
      SELECT * FROM unnest(${uuidArray(limited.map((l) => l.groupId))}, string_to_array(${limited.map((l) => l.free).join(',')}, ',')::int[])
    ), beyond AS (
      SELECT DISTINCT line FROM (
        SELECT c.line, l.free, row_number() OVER (PARTITION BY l.group_id ORDER BY c.line) AS n
        FROM checked c JOIN limited l ON l.group_id = ANY(c.group_ids)
        WHERE c.problem IS NULL AND (c.member ${invite ? sql`` : sql`OR c.account_id IS NULL`}) AND c.role IN ('learner', 'guest')
          AND NOT EXISTS (SELECT 1 FROM group_members x WHERE x.org_id = ${orgId} AND x.group_id = l.group_id AND x.account_id = c.account_id)
      ) ranked WHERE n > free
    ), state AS MATERIALIZED (
      SELECT c.line, c.email_key, c.group_ids, c.account_id, c.member,
        coalesce(c.problem, CASE WHEN c.line IN (SELECT line FROM beyond) THEN 'group_seats_full' END) AS problem
      FROM checked c
    ),`;
}
