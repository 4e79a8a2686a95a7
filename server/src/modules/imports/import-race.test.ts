import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

// An address invited by someone else while an import runs (after the import decided to invite it,
// before it wrote the invitation): the import keeps that invitation and skips the row, as a user
// reading the results expects. The race is made certain by a trigger that invites the address the
// moment the import marks its row `invited`.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('skips as already invited an address invited meanwhile, with one open invitation and no second email', async () => {
  const o = await orgWithOwner(t);
  await o.group('Sales');
  const u = uid();
  const raced = `raced-${u}@example.com`;
  const other = `calm-${u}@example.com`;
  const fn = `race_${u}`;
  await t.ctx.database.exec(`
    CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO invitations (org_id, kind, email, email_key, status)
        SELECT i.org_id, 'email', NEW.email, NEW.email_key, 'prospect' FROM imports i WHERE i.id = NEW.import_id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER ${fn} AFTER UPDATE ON import_rows FOR EACH ROW
      WHEN (NEW.result = 'invited' AND NEW.email_key = '${raced}') EXECUTE FUNCTION ${fn}();`);
  try {
    const prev = expectStatus(
      await o.owner.agent.post(`${o.base}/imports`, { text: `email,groups\n${raced},Sales\n${other},Sales\n` }),
      201,
    );
    expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, {}), 202);
    await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
    const imp = (await o.owner.agent.get(`${o.base}/imports/${prev.data.id}`)).data;
    expect(imp).toMatchObject({ status: 'done', result: { invited: 1, skipped: 1 } });
    const rows = (await o.owner.agent.get(`${o.base}/imports/${prev.data.id}/rows`)).data.items;
    expect(rows.map((r: { email: string; result: string; resultReason: string | null }) => [r.email, r.result, r.resultReason])).toEqual([
      [raced, 'skipped', 'already_invited'],
      [other, 'invited', null],
    ]);
    const { rows: open } = await t.ctx.database.query<{ email: string; n: number; current: number; mails: number }>(
      `SELECT i.email, count(*)::int AS n, count(*) FILTER (WHERE i.is_current)::int AS current,
              (SELECT count(*)::int FROM emails e WHERE e.to_address = i.email) AS mails
         FROM invitations i WHERE i.org_id = $1 AND i.status IN ('prospect', 'pending') GROUP BY i.email ORDER BY i.email`,
      [o.org.id],
    );
    expect(open).toEqual([
      { email: other, n: 1, current: 1, mails: 1 },
      { email: raced, n: 1, current: 1, mails: 0 },
    ]);
  } finally {
    await t.ctx.database.exec(`DROP TRIGGER ${fn} ON import_rows; DROP FUNCTION ${fn}();`);
  }
});
