import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { accounts, imports, organizations } from '../../db/schema.js';
import { hashToken, newToken } from '../../lib/tokens.js';
import { queueEmails } from '../../mail/outbox.js';
import { TOKEN_TTL } from '../accounts/accounts.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { enrolAccountsInTheirGroups } from '../groups/enrolment-rules.js';
import { queryRows } from '../groups/sql.js';
import { allowedRoles, type ImportMode } from './preview.service.js';
import { validateImport } from './validate.js';

type Options = { createMissingGroups?: boolean; sendAt?: string | null; sendWelcome?: boolean };
type Ctx = { ctx: AppContext; tx: Db; importId: string; orgId: string; now: Date };

/** Applies an approved import: every valid row or none (one transaction); a rerun after a crash starts clean. */
export async function runImport(ctx: AppContext, { importId }: { importId: string }): Promise<void> {
  const [imp] = await ctx.db.select().from(imports).where(eq(imports.id, importId));
  if (!imp || !['approved', 'running'].includes(imp.status)) return; // done, rejected, or unknown: nothing to do twice
  await ctx.db.update(imports).set({ status: 'running', heartbeatAt: sql`now()`, progress: 0, rowsDone: 0 }).where(eq(imports.id, importId));
  const progress = progressReporter(ctx, importId, Number((imp.counts as { rows?: number }).rows ?? 0));
  const opts = imp.options as Options;
  const [actor] = await ctx.db.select().from(accounts).where(eq(accounts.id, imp.approvedBy ?? imp.createdBy ?? ''));
  const [actorRole] = await queryRows<{ role: string }>(ctx.db, sql`SELECT role FROM memberships WHERE org_id = ${imp.orgId} AND account_id = ${actor?.id ?? null}`);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const c: Ctx = { ctx, tx, importId, orgId: imp.orgId, now };
    if (opts.createMissingGroups) await createMissingGroups(c);
    const checked = await validateImport(tx, { importId, orgId: imp.orgId, createMissingGroups: false, allowedRoles: allowedRoles(actorRole?.role ?? 'learner', imp.mode as ImportMode), analyze: ctx.database.kind === 'pg' });
    await progress(15);
    await joinExistingMembers(c);
    await progress(30);
    const sendAt = opts.sendAt && new Date(opts.sendAt) > now ? new Date(opts.sendAt) : undefined;
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, imp.orgId));
    const mail = { orgName: org.name, actor: actor ?? null, sendAt };
    if (imp.mode === 'create') await createAccounts(c, { ...mail, sendWelcome: opts.sendWelcome !== false });
    else await inviteRows(c, mail, org.invitationTtlDays);
    await progress(70);
    await tx.execute(sql`UPDATE import_rows SET result = 'skipped', result_reason = outcome WHERE import_id = ${importId} AND outcome <> 'valid'`);
    // The statistics do not know the rows this transaction wrote; without them the planner picks nested loops over 100,000 rows.
    if (ctx.database.kind === 'pg') await tx.execute(sql`ANALYZE import_rows, group_members, memberships, accounts`);
    await enrolAccountsInTheirGroups(tx, { orgId: imp.orgId, accountIds: sql`SELECT account_id FROM import_rows WHERE import_id = ${importId} AND result IN ('created', 'added_to_groups')`, now });
    await progress(90);
    const [result] = await queryRows<Record<string, number>>(
      tx,
      sql`SELECT count(*) FILTER (WHERE result = 'created')::int AS created, count(*) FILTER (WHERE result = 'invited')::int AS invited,
            count(*) FILTER (WHERE result = 'added_to_groups')::int AS "addedToGroups", count(*) FILTER (WHERE result = 'already_there')::int AS "alreadyThere",
            count(*) FILTER (WHERE result = 'skipped')::int AS skipped, count(*)::int AS rows
          FROM import_rows WHERE import_id = ${importId}`,
    );
    await tx.update(imports).set({ status: 'done', result, counts: { ...checked.counts, unknownGroups: checked.unknownGroups }, progress: 100, rowsDone: result.rows, finishedAt: sql`now()`, heartbeatAt: sql`now()` }).where(eq(imports.id, importId));
    if (imp.mode === 'create' && opts.sendWelcome === false && actor) {
      await queueEmails(tx, ctx.jobs, [{ to: actor.email, template: 'import-done', locale: actor.locale, orgId: imp.orgId, refId: importId, params: { orgName: org.name, fileName: imp.fileName ?? '', ...result } }]);
    }
    await recordAudit(tx, { orgId: imp.orgId, actor: actor ? { id: actor.id, email: actor.email } : null, action: 'import.applied', targetType: 'import', targetId: importId, data: result });
  });
}

/** Progress is written outside the import's transaction (another connection) so the page sees it move. */
function progressReporter(ctx: AppContext, importId: string, rows: number) {
  return async (percent: number) => {
    if (ctx.database.kind !== 'pg') return; // the embedded database has one connection: it reports 0 then 100
    const done = Math.round((rows * percent) / 100);
    await ctx.database.query('UPDATE imports SET progress = $2, rows_done = $3, heartbeat_at = now() WHERE id = $1', [importId, percent, done]).catch(() => {});
  };
}

async function createMissingGroups({ tx, importId, orgId, now }: Ctx) {
  await tx.execute(sql`
    INSERT INTO groups (org_id, name, name_key, created_at, updated_at)
    SELECT DISTINCT ON (key) ${orgId}::uuid, name, key, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz FROM (
      SELECT regexp_replace(btrim(n), '\\s+', ' ', 'g') AS name, lower(regexp_replace(btrim(n), '\\s+', ' ', 'g')) AS key
      FROM import_rows r, unnest(r.group_names) n
      WHERE r.import_id = ${importId} AND r.outcome IN ('valid', 'invalid') AND btrim(n) <> ''
        AND NOT jsonb_path_exists(r.messages, '$[*] ? (@.level == "error" && @.code != "unknown_group")')
    ) x
    WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.org_id = ${orgId} AND g.name_key = x.key)
    ORDER BY key, name
    ON CONFLICT DO NOTHING`);
}

/** People who are already members are put in the file's groups: "added to groups", or "already there". */
async function joinExistingMembers({ tx, importId, orgId, now }: Ctx) {
  await tx.execute(sql`UPDATE import_rows r SET account_id = a.id FROM accounts a WHERE r.import_id = ${importId} AND r.outcome = 'valid' AND a.email_key = r.email_key`);
  await tx.execute(sql`
    WITH wanted AS (
      SELECT r.line, r.account_id, g AS group_id FROM import_rows r, unnest(r.group_ids) g
      WHERE r.import_id = ${importId} AND r.outcome = 'valid' AND r.already_member
    ), ins AS (
      INSERT INTO group_members (org_id, group_id, account_id, created_at)
      SELECT ${orgId}::uuid, group_id, account_id, ${now.toISOString()}::timestamptz FROM wanted ON CONFLICT DO NOTHING RETURNING account_id
    )
    UPDATE import_rows r SET result = CASE WHEN EXISTS (SELECT 1 FROM ins WHERE ins.account_id = r.account_id) THEN 'added_to_groups' ELSE 'already_there' END
    WHERE r.import_id = ${importId} AND r.outcome = 'valid' AND r.already_member`);
}

type Mail = { orgName: string; actor: { id: string; name: string; email: string; locale: string } | null; sendAt?: Date };

/** Mode `create`: managed accounts made at once, in their groups, with a link to choose a password. */
async function createAccounts({ ctx, tx, importId, orgId, now }: Ctx, mail: Mail & { sendWelcome: boolean }) {
  await tx.execute(sql`
    INSERT INTO accounts (email, email_key, name, created_at, updated_at)
    SELECT email, email_key, coalesce(nullif(btrim(first_name || ' ' || last_name), ''), split_part(email, '@', 1)), now(), now()
    FROM import_rows WHERE import_id = ${importId} AND outcome = 'valid' AND NOT already_member AND account_id IS NULL
    ON CONFLICT (email_key) DO NOTHING`);
  // Accounts made by this transaction carry its start time; an existing account is never taken over (it must accept an invitation).
  await tx.execute(sql`
    UPDATE import_rows r SET account_id = a.id, result = CASE WHEN a.created_at = now() THEN 'created' ELSE 'skipped' END,
      result_reason = CASE WHEN a.created_at = now() THEN NULL ELSE 'has_account_invite_instead' END
    FROM accounts a WHERE r.import_id = ${importId} AND r.outcome = 'valid' AND NOT r.already_member AND a.email_key = r.email_key`);
  await tx.execute(sql`
    INSERT INTO memberships (org_id, account_id, role, status, managed, source, created_at)
    SELECT ${orgId}::uuid, account_id, coalesce(role, 'learner'), 'active', true, 'import', ${now.toISOString()}::timestamptz
    FROM import_rows WHERE import_id = ${importId} AND result = 'created' ON CONFLICT DO NOTHING`);
  await tx.execute(sql`
    INSERT INTO group_members (org_id, group_id, account_id, created_at)
    SELECT ${orgId}::uuid, g, account_id, ${now.toISOString()}::timestamptz FROM import_rows r, unnest(r.group_ids) g
    WHERE r.import_id = ${importId} AND r.result = 'created' ON CONFLICT DO NOTHING`);
  if (!mail.sendWelcome) return;
  const created = await queryRows<{ id: string; email: string; emailKey: string; name: string }>(
    tx,
    sql`SELECT a.id, a.email, a.email_key AS "emailKey", a.name FROM import_rows r JOIN accounts a ON a.id = r.account_id WHERE r.import_id = ${importId} AND r.result = 'created'`,
  );
  const tokens = created.map(() => newToken(32));
  const expiresAt = new Date(now.getTime() + TOKEN_TTL.set_password).toISOString();
  await insertJson(tx, sql`INSERT INTO auth_tokens (token_hash, purpose, account_id, email_key, expires_at)
      SELECT t.h, 'set_password', t.a, t.k, ${expiresAt}::timestamptz FROM jsonb_to_recordset(`, created.map((a, i) => ({ h: hashToken(tokens[i]), a: a.id, k: a.emailKey })), sql`) AS t(h text, a uuid, k text)`);
  await queueEmails(
    tx,
    ctx.jobs,
    created.map((a, i) => ({ to: a.email, template: 'welcome-set-password', locale: mail.actor?.locale ?? 'en', orgId, params: { token: tokens[i], name: a.name, orgName: mail.orgName, inviterName: mail.actor?.name ?? mail.orgName } })),
    { startAfter: mail.sendAt },
  );
}

/** Mode `invite`: email invitations (double opt-in) for everyone not yet a member and not already invited. */
async function inviteRows({ ctx, tx, importId, orgId, now }: Ctx, mail: Mail, ttlDays: number | null) {
  await tx.execute(sql`
    UPDATE import_rows r SET result = 'skipped', result_reason = 'already_invited'
    WHERE r.import_id = ${importId} AND r.outcome = 'valid' AND NOT r.already_member
      AND EXISTS (SELECT 1 FROM invitations i WHERE i.org_id = ${orgId} AND i.email_key = r.email_key AND i.status IN ('prospect', 'pending'))`);
  await tx.execute(sql`UPDATE invitations i SET is_current = false FROM import_rows r
    WHERE r.import_id = ${importId} AND r.outcome = 'valid' AND r.result IS NULL AND i.org_id = ${orgId} AND i.email_key = r.email_key AND i.is_current`);
  const expiresAt = ttlDays ? new Date((mail.sendAt ?? now).getTime() + ttlDays * 86400_000).toISOString() : null;
  const invited = await queryRows<{ id: string; email: string; groupIds: string[]; line: number }>(
    tx,
    sql`INSERT INTO invitations (org_id, kind, email, email_key, role, location_id, group_ids, invited_by, send_at, expires_at, created_at)
        SELECT ${orgId}::uuid, 'email', email, email_key, coalesce(role, 'learner'), location_id, group_ids, ${mail.actor?.id ?? null}::uuid,
               ${mail.sendAt?.toISOString() ?? null}::timestamptz, ${expiresAt}::timestamptz, ${now.toISOString()}::timestamptz
        FROM import_rows WHERE import_id = ${importId} AND outcome = 'valid' AND NOT already_member AND result IS NULL
        RETURNING id, email, group_ids AS "groupIds"`,
  );
  await tx.execute(sql`UPDATE import_rows SET result = 'invited' WHERE import_id = ${importId} AND outcome = 'valid' AND NOT already_member AND result IS NULL`);
  const tokens = invited.map(() => newToken(32));
  await insertJson(tx, sql`INSERT INTO invitation_tokens (token_hash, invitation_id) SELECT t.h, t.i FROM jsonb_to_recordset(`, invited.map((inv, i) => ({ h: hashToken(tokens[i]), i: inv.id })), sql`) AS t(h text, i uuid)`);
  const groups = await queryRows<{ id: string; name: string }>(tx, sql`SELECT id, name FROM groups WHERE org_id = ${orgId}`);
  const nameOf = new Map(groups.map((g) => [g.id, g.name]));
  await queueEmails(
    tx,
    ctx.jobs,
    invited.map((inv, i) => ({
      to: inv.email,
      template: 'invitation',
      locale: mail.actor?.locale ?? 'en',
      orgId,
      refId: inv.id,
      params: { token: tokens[i], orgName: mail.orgName, inviterName: mail.actor?.name ?? mail.orgName, email: inv.email, message: null, groupNames: inv.groupIds.map((g) => nameOf.get(g)).filter(Boolean) },
    })),
    { startAfter: mail.sendAt },
  );
}

/** Runs `head <json> tail` in slices of 20,000 records, each as one JSON parameter. */
async function insertJson(tx: Db, head: ReturnType<typeof sql>, records: object[], tail: ReturnType<typeof sql>) {
  for (let i = 0; i < records.length; i += 20_000) {
    await tx.execute(sql`${head}${JSON.stringify(records.slice(i, i + 20_000))}::jsonb${tail}`);
  }
}
