import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';
import { field, membersOf } from '../profile-fields/rules.fixtures.js';

// Profile-field values set by imports (issue 15): columns named by a field's key or label, checked
// at preview, applied with the import, and rule-based groups (and their programs) following.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Org = Awaited<ReturnType<typeof orgWithOwner>>;
type Row = {
  line: number;
  email: string;
  outcome: string;
  messages: { code: string; field: string; value?: string; suggestion?: string }[];
};

const upload = async (o: Org, text: string, extra: Record<string, unknown> = {}) =>
  expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'create', ...extra }), 201).data;
async function approve(o: Org, importId: string, body: Record<string, unknown> = { sendWelcome: false }) {
  expectStatus(await o.owner.agent.post(`${o.base}/imports/${importId}/approve`, body), 202);
  await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
  return expectStatus(await o.owner.agent.get(`${o.base}/imports/${importId}`), 200).data;
}
const accountId = async (email: string) =>
  (await queryRows<{ id: string }>(t.ctx.db, sql`SELECT id FROM accounts WHERE email = ${email}`))[0]?.id ?? '';
const fieldsOf = async (o: Org, email: string) =>
  expectStatus(await o.owner.agent.get(`${o.base}/members/${await accountId(email)}`), 200).data.fields as Record<string, unknown>;
const rule = async (o: Org, groupId: string, conditions: unknown[]) =>
  expectStatus(await o.owner.agent.put(`${o.base}/groups/${groupId}/rule`, { match: 'all', conditions }), 200);

/** An organization with fields department (choice, French label "Service"), start (date), skills (multi), remote (boolean). */
async function withFields() {
  const o = await orgWithOwner(t);
  await field(o, 'department', 'choice', ['Sales', 'Support']);
  expectStatus(
    await o.owner.agent.post(`${o.base}/profile-fields`, { key: 'start', label: { en: 'Start date', fr: 'Date d’arrivée' }, type: 'date' }),
    201,
  );
  await field(o, 'skills', 'multi_choice', ['French', 'German', 'Excel']);
  await field(o, 'remote', 'boolean');
  const u = uid();
  return { o, mail: (n: string) => `${n}-${u}@example.com` };
}

describe('imports with profile-field columns', () => {
  it('creates members with the values (by key and French label) and puts them in rule groups with their programs', async () => {
    const { o, mail } = await withFields();
    const sales = await o.group('Sales people');
    const p = await o.program('Selling');
    const s = await o.session(p.id);
    await o.attach(sales.id, s.id);
    await rule(o, sales.id, [{ field: 'department', op: 'eq', value: 'Sales' }]);
    const prev = await upload(
      o,
      `email,Department,Date d’arrivée,skills,REMOTE (FR) \n${mail('ann')},sales,2026-02-01,French; excel,oui\n${mail('bob')},Support,,,non\n`,
    );
    expect(prev.columns.fields).toEqual({ department: 1, start: 2, skills: 3, remote: 4 });
    expect(prev.counts).toMatchObject({ valid: 2, invalid: 0 });
    const done = await approve(o, prev.id);
    expect(done.result).toMatchObject({ created: 2 });
    expect(await fieldsOf(o, mail('ann'))).toEqual({ department: 'Sales', start: '2026-02-01', skills: ['French', 'Excel'], remote: true });
    expect(await fieldsOf(o, mail('bob'))).toEqual({ department: 'Support', remote: false });
    const ann = await accountId(mail('ann'));
    expect(await membersOf(t, sales.id)).toEqual([ann]);
    expect((await o.enrolments()).get(`${ann}:${s.id}`)).toBe(0);
  });

  it('a cell that does not fit is a row error with its line: a bad date, an unknown option with "did you mean"', async () => {
    const { o, mail } = await withFields();
    const prev = await upload(
      o,
      `email,department,start\n${mail('ann')},Sals,2026-02-01\n${mail('bob')},Support,31/01/2026\n${mail('cat')},,\n`,
    );
    expect(prev.counts).toMatchObject({ valid: 1, invalid: 2 });
    const rows = prev.rows as Row[];
    expect(rows.find((r) => r.line === 2)?.messages).toEqual([
      expect.objectContaining({ field: 'department', code: 'field_unknown_option', value: 'Sals', suggestion: 'Sales' }),
    ]);
    expect(rows.find((r) => r.line === 3)?.messages).toEqual([
      expect.objectContaining({ field: 'start', code: 'field_not_date', value: '31/01/2026' }),
    ]);
  });

  it('an import that updates moves a person from one rule group to another; started training stays', async () => {
    const { o, mail } = await withFields();
    const sales = await o.group('Sales people');
    const support = await o.group('Support people');
    const p1 = await o.program('Selling');
    const s1 = await o.session(p1.id);
    const p2 = await o.program('Helping');
    const s2 = await o.session(p2.id);
    await o.attach(sales.id, s1.id);
    await o.attach(support.id, s2.id);
    await rule(o, sales.id, [{ field: 'department', op: 'eq', value: 'Sales' }]);
    await rule(o, support.id, [{ field: 'department', op: 'eq', value: 'Support' }]);
    await approve(o, (await upload(o, `email,department\n${mail('ann')},Sales\n${mail('bob')},Sales\n`)).id);
    const ann = await accountId(mail('ann'));
    await t.ctx.db.execute(sql`UPDATE enrolments SET percent = 40, started_at = now() WHERE account_id = ${ann} AND session_id = ${s1.id}`);
    const prev = await upload(o, `email,department\n${mail('ann')},Support\n${mail('bob')},sales\n`, { syncMode: 'update' });
    expect(prev.counts).toMatchObject({ updated: 1, unchanged: 1 });
    const row = (prev.rows as (Row & { changes: unknown })[]).find((r) => r.email === mail('ann'));
    expect(row?.changes).toEqual({ 'fields.department': { before: 'Sales', after: 'Support' } });
    expect((await approve(o, prev.id)).result).toMatchObject({ updated: 1 });
    expect(await fieldsOf(o, mail('ann'))).toEqual({ department: 'Support' });
    expect(await membersOf(t, sales.id)).toEqual([await accountId(mail('bob'))]);
    expect(await membersOf(t, support.id)).toEqual([ann]);
    const enrolments = await o.enrolments();
    expect(enrolments.get(`${ann}:${s1.id}`)).toBe(40);
    expect(enrolments.get(`${ann}:${s2.id}`)).toBe(0);
  });

  it('blank cells keep the values, or clear them when the import says so', async () => {
    const { o, mail } = await withFields();
    await approve(o, (await upload(o, `email,department,remote\n${mail('ann')},Sales,yes\n`)).id);
    const keep = await upload(o, `email,department,remote\n${mail('ann')},,no\n`, { syncMode: 'update', blankCells: 'keep' });
    expect(keep.rows[0].changes).toEqual({ 'fields.remote': { before: 'true', after: 'false' } });
    await approve(o, keep.id);
    expect(await fieldsOf(o, mail('ann'))).toEqual({ department: 'Sales', remote: false });
    const clear = await upload(o, `email,department,remote\n${mail('ann')},,no\n`, { syncMode: 'update', blankCells: 'clear' });
    expect(clear.rows[0].changes).toEqual({ 'fields.department': { before: 'Sales', after: null } });
    await approve(o, clear.id);
    expect(await fieldsOf(o, mail('ann'))).toEqual({ remote: false });
  });

  it('refuses field columns when inviting (invitations keep no values), and the template lists the fields', async () => {
    const { o, mail } = await withFields();
    const res = await o.owner.agent.post(`${o.base}/imports`, { text: `email,department\n${mail('ann')},Sales\n`, mode: 'invite' });
    expect(res.statusCode).toBe(422);
    expect(res.data.error.code).toBe('import_fields_need_accounts');
    const csv = await o.owner.agent.get(`${o.base}/imports/template.csv`);
    expect(String(csv.body ?? csv.data).split('\n')[0]).toContain('department,remote,skills,start');
  });
});
