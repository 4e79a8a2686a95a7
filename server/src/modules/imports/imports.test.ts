import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../../test/factories.js';
import { addMember } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { upload } from '../../../test/upload.js';
import { queryRows } from '../../lib/sql.js';
import { IMPORT_LIMITS } from './preview.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../../../test/fixtures/imports', name));

async function setup() {
  const o = await orgWithOwner(t);
  const sales = await o.group('Sales');
  return {
    ...o,
    sales,
    upload: (name: string, fields: Record<string, string> = {}) =>
      upload(o.owner.agent, `${o.base}/imports`, { name, bytes: fixture(name) }, fields),
  };
}

describe('the catalogue of awkward files', () => {
  const cases: [string, { rows: number; valid: number }, (rows: Record<string, string>[]) => void][] = [
    [
      'bom.csv',
      { rows: 2, valid: 2 },
      (r) => expect(r[0]).toMatchObject({ email: 'ana@example.com', firstName: 'Ana', groups: ['Sales'] }),
    ],
    ['utf16.csv', { rows: 2, valid: 2 }, (r) => expect(r.map((x) => x.firstName)).toEqual(['Chloé', 'Zoë'])],
    ['semicolons.csv', { rows: 2, valid: 2 }, (r) => expect(r.map((x) => x.role)).toEqual(['learner', 'admin'])],
    ['quoted-newlines.csv', { rows: 2, valid: 2 }, (r) => expect(r.map((x) => x.lastName)).toEqual(['Van\r\nSant', 'Ashby, Jr.'])],
    ['trailing-empty.csv', { rows: 2, valid: 2 }, () => {}],
    [
      'merged-header-spaces.csv',
      { rows: 1, valid: 1 },
      (r) => expect(r[0]).toMatchObject({ email: 'kim@example.com', firstName: 'Kim', lastName: 'Ng', groups: ['Sales'] }),
    ],
    ['ten-columns.csv', { rows: 2, valid: 2 }, (r) => expect(r.map((x) => x.externalId)).toEqual(['L1', 'L2'])],
    ['duplicate-headers.csv', { rows: 1, valid: 1 }, (r) => expect(r[0]?.email).toBe('ned@example.com')],
    [
      'excel-dates.xlsx',
      { rows: 2, valid: 2 },
      (r) =>
        expect(r.map((x) => [x.email, x.externalId])).toEqual([
          ['pia@example.com', '2024-03-15'],
          ['quinn@example.com', 'Q-7'],
        ]),
    ],
    [
      'formulas.xlsx',
      { rows: 2, valid: 1 },
      (r) =>
        expect(r.map((x) => [x.email, x.outcome])).toEqual([
          ['ray@example.com', 'valid'],
          ['=1+1', 'invalid'],
        ]),
    ],
  ];
  for (const [file, counts, check] of cases) {
    it(`previews ${file}`, async () => {
      const o = await setup();
      const res = expectStatus(await o.upload(file), 201);
      expect(res.data.status).toBe('preview');
      expect(res.data.counts).toMatchObject(counts);
      check(res.data.rows);
    });
  }

  it('keeps group names with quotes, backslashes, braces and commas exactly as written', async () => {
    const o = await setup();
    const lab = await o.group('R&D "Lab" \\ {2}, north');
    const text = 'email\tgroups\nlab@example.com\tr&d "lab" \\ {2}, NORTH\nodd@example.com\tThe "odd" {one}\n';
    const res = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text }), 201);
    const byEmail = Object.fromEntries(res.data.rows.map((r: { email: unknown }) => [r.email, r]));
    expect(byEmail['lab@example.com']).toMatchObject({ outcome: 'valid', groups: ['r&d "lab" \\ {2}, NORTH'] });
    expect(byEmail['odd@example.com'].messages[0]).toMatchObject({ code: 'unknown_group', value: 'The "odd" {one}' });
    expect(lab.name).toBe('R&D "Lab" \\ {2}, north');
  });

  it('keeps tabs, line breaks, backslashes and quotes inside cells exactly as written', async () => {
    const o = await setup();
    const text =
      'email,first name,last name,external id\n' +
      '"tab@example.com","A\tnn","first line\nsecond line","ext\\\\N\\t1"\n' +
      '"cr@example.com","Bo\r\nb","O\'Hara ""the"" \\","\\N"\n';
    const res = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text }), 201);
    expect(res.data.counts).toMatchObject({ rows: 2, valid: 2 });
    const byEmail = Object.fromEntries(res.data.rows.map((r: { email: unknown }) => [r.email, r]));
    expect(byEmail['tab@example.com']).toMatchObject({
      firstName: 'A\tnn',
      lastName: 'first line\nsecond line',
      externalId: 'ext\\\\N\\t1',
    });
    expect(byEmail['cr@example.com']).toMatchObject({ firstName: 'Bo\r\nb', lastName: 'O\'Hara "the" \\', externalId: '\\N' });
  });

  it('reports the columns it ignored and the duplicate headers', async () => {
    const o = await setup();
    const res = await o.upload('duplicate-headers.csv');
    expect(res.data.columns.duplicates).toEqual(['email']);
  });

  it('explains each problem row: invalid email, unknown group with a suggestion, unknown role, repeats and conflicts', async () => {
    const o = await setup();
    const res = expectStatus(await o.upload('problems.csv'), 201);
    expect(res.data.counts).toMatchObject({ rows: 8, valid: 2, invalid: 5, duplicate: 1, conflict: 2 });
    const byLine = Object.fromEntries(res.data.rows.map((r: { line: unknown }) => [r.line, r]));
    expect(byLine[3].messages[0]).toMatchObject({ field: 'email', code: 'invalid_email', value: 'not-an-address' });
    expect(byLine[4].messages[0]).toMatchObject({ field: 'groups', code: 'unknown_group', value: 'Salse', suggestion: 'Sales' });
    expect(byLine[5].messages[0]).toMatchObject({ field: 'role', code: 'unknown_role', value: 'wizard' });
    expect(byLine[7]).toMatchObject({ outcome: 'duplicate' });
    expect(byLine[8].messages[0]).toMatchObject({ code: 'conflicting_rows', lines: [8, 9] });
    expect(res.data.unknownGroups).toEqual([{ name: 'Salse', rows: 1, suggestion: 'Sales' }]);
    const invalid = (await o.owner.agent.get(`${o.base}/imports/${res.data.id}/rows?outcome=invalid`)).data.items;
    expect(invalid.map((r: { line: unknown }) => r.line)).toEqual([3, 4, 5]);
    const recheck = expectStatus(await o.owner.agent.post(`${o.base}/imports/${res.data.id}/recheck`, { createMissingGroups: true }), 200);
    expect(recheck.data.counts).toMatchObject({ valid: 3, invalid: 4 });
    expect(recheck.data.rows.find((r: { line: unknown }) => r.line === 4).messages[0]).toMatchObject({
      code: 'group_will_be_created',
      level: 'info',
    });
  });

  for (const [file, status, code, extra] of [
    ['invalid-utf8.csv', 422, 'invalid_encoding', { line: 3 }],
    ['binary.csv', 422, 'binary_file', {}],
    ['empty.csv', 422, 'empty_file', {}],
    ['no-email.csv', 422, 'no_email_column', { line: 1 }],
  ] as const) {
    it(`refuses ${file} with ${code}`, async () => {
      const o = await setup();
      const res = await o.upload(file);
      expect(res.statusCode).toBe(status);
      expect(res.data.error.code).toBe(code);
      if ('line' in extra) expect(res.data.error.details.line).toBe(extra.line);
    });
  }

  it('keeps no file in the data folder when the preview is refused, and one when it is stored', async () => {
    const o = await setup();
    const folder = path.join(t.ctx.config.dataDir, 'files', 'imports');
    const files = () => (existsSync(folder) ? readdirSync(folder).length : 0);
    const before = files();
    for (const name of ['invalid-utf8.csv', 'binary.csv', 'empty.csv', 'no-email.csv']) expect((await o.upload(name)).statusCode).toBe(422);
    const noRows = await upload(o.owner.agent, `${o.base}/imports`, { name: 'header-only.csv', bytes: Buffer.from('email,first name\n') });
    expect(noRows.data.error.code).toBe('no_rows');
    expect(files()).toBe(before);
    expectStatus(await o.upload('bom.csv'), 201);
    expect(files()).toBe(before + 1);
  });

  it('refuses an Excel name on bytes that are not an .xlsx workbook', async () => {
    const o = await setup();
    const res = await upload(o.owner.agent, `${o.base}/imports`, { name: 'fake.xlsx', bytes: Buffer.from('email\na@example.com\n') });
    expect(res.data.error.code).toBe('invalid_xlsx');
  });

  it('refuses a file over 128 MB (room for 1,000,000 rows) with 413 naming the limit', async () => {
    const o = await setup();
    expect(IMPORT_LIMITS.maxBytes).toBe(128 * 1024 * 1024);
    const big = Buffer.alloc(IMPORT_LIMITS.maxBytes + 1024 * 1024, 'a');
    const res = await upload(o.owner.agent, `${o.base}/imports`, { name: 'big.csv', bytes: big });
    expect(res.statusCode).toBe(413);
    expect(res.data.error.message).toContain('128 MB');
  });
});

describe('approving', () => {
  const u = uid(); // addresses of their own: a PostgreSQL database may hold earlier runs' accounts
  it('applies a pasted table in invite mode, then says every row is already there on a second run', async () => {
    const o = await setup();
    const program = await o.program('Onboarding');
    const session = await o.session(program.id);
    await o.attach(o.sales.id, session.id);
    const text = `Email\tPrénom\tGroupe\nuna-${u}@example.com\tUna\tsales\nvic-${u}@example.com\tVic\tSALES\n`;
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'invite' }), 201);
    expect(prev.data.counts).toMatchObject({ rows: 2, valid: 2 });
    expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, {}), 202);
    await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
    const done = (await o.owner.agent.get(`${o.base}/imports/${prev.data.id}`)).data;
    expect(done).toMatchObject({ status: 'done', progress: 100, result: { invited: 2, skipped: 0 } });
    const mail = await lastMail(t, `una-${u}@example.com`);
    expect(mail!.link).toContain('/invitations/');
    const counts = (await o.owner.agent.get(`${o.base}/members/counts?groupId=${o.sales.id}`)).data;
    expect(counts.pending).toBe(2);
    const again = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'invite' }), 201);
    expect(again.data.counts).toMatchObject({ rows: 2, alreadyInvited: 2 });
    await o.owner.agent.post(`${o.base}/imports/${again.data.id}/approve`, {});
    await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
    expect((await o.owner.agent.get(`${o.base}/imports/${again.data.id}`)).data.result).toMatchObject({ invited: 0, skipped: 2 });
  });

  it('creates managed accounts in create mode, enrols them, mails set-password links; a rerun changes nothing', async () => {
    const o = await setup();
    const program = await o.program('Safety');
    const session = await o.session(program.id);
    await o.attach(o.sales.id, session.id);
    const existing = await addMember(t, o.org.id, 'learner');
    const text = `email,first name,last name,groups,role\nwes-${u}@example.com,Wes,Anderson,Sales,learner\nxia-${u}@example.com,Xia,Li,Sales;New team,admin\n${existing.email},Ex,Isting,Sales,learner\n`;
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'create' }), 201);
    expect(prev.data.counts).toMatchObject({ rows: 3, valid: 2, invalid: 1, alreadyMembers: 1 });
    expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, { createMissingGroups: true }), 202);
    await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
    const done = (await o.owner.agent.get(`${o.base}/imports/${prev.data.id}`)).data;
    expect(done.result).toMatchObject({ created: 2, addedToGroups: 1, skipped: 0 });
    const xia = (await o.owner.agent.get(`${o.base}/members?q=xia-${u}@example.com`)).data.items[0];
    expect(xia).toMatchObject({ status: 'active', role: 'admin', source: 'import', name: 'Xia Li' });
    const groups = (await o.owner.agent.get(`${o.base}/groups?q=new team`)).data.items;
    expect(groups.map((g: { name: unknown }) => g.name)).toEqual(['New team']);
    const [enrolled] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`SELECT count(*)::int AS n FROM enrolments WHERE session_id = ${session.id}`,
    );
    expect(enrolled?.n).toBe(3);
    expect((await lastMail(t, `wes-${u}@example.com`))!.link).toContain('/set-password?token=');
    const rerun = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'create' }), 201);
    expect(rerun.data.counts.alreadyMembers).toBe(3);
    await o.owner.agent.post(`${o.base}/imports/${rerun.data.id}/approve`, { createMissingGroups: true });
    await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
    expect((await o.owner.agent.get(`${o.base}/imports/${rerun.data.id}`)).data.result).toMatchObject({
      created: 0,
      addedToGroups: 0,
      alreadyThere: 3,
    });
  });

  it('rejecting applies nothing; the history lists every import; the results CSV is formula-safe', async () => {
    const o = await setup();
    const prev = expectStatus(
      await o.owner.agent.post(`${o.base}/imports`, { text: 'email,first name,groups\nyan@example.com,=cmd|calc,Sales\n' }),
      201,
    );
    const csv = await o.owner.agent.get(`${o.base}/imports/${prev.data.id}/results.csv`);
    expect(csv.body).toContain("'=cmd|calc");
    expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/reject`), 200);
    expect((await o.owner.agent.post(`${o.base}/imports/${prev.data.id}/approve`, {})).statusCode).toBe(409);
    const history = (await o.owner.agent.get(`${o.base}/imports`)).data.items;
    expect(history[0]).toMatchObject({ id: prev.data.id, status: 'rejected', createdBy: { email: o.owner.email } });
    expect((await o.owner.agent.get(`${o.base}/members?q=yan@example.com`)).data.items).toEqual([]);
  });

  it('writes the results CSV of a large import page by page, every row once and in order', async () => {
    const o = await setup();
    const n = 12_000;
    const text = ['email,groups', ...Array.from({ length: n }, (_, i) => `big${i}-${u}@example.com,Sales`)].join('\n');
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text }), 201);
    const csv = await o.owner.agent.get(`${o.base}/imports/${prev.data.id}/results.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('line,email,first name,last name,groups,role,location,external id,check,problems,result,reason');
    expect(lines.length).toBe(n + 1);
    expect(lines.slice(1).map((l: string) => Number(l.split(',')[0]))).toEqual(Array.from({ length: n }, (_, i) => i + 2));
  });

  it('serves the templates, and refuses a limited manager and another organization', async () => {
    const o = await setup();
    const csv = await o.owner.agent.get(`${o.base}/imports/template.csv`);
    expect(csv.body).toContain('email,first name,last name,groups,role,location,external id');
    const xlsx = await o.owner.agent.get(`${o.base}/imports/template.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(xlsx.rawPayload).buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Learners', 'Help']);
    const limited = await addMember(t, o.org.id, 'manager_limited');
    expect((await limited.agent.post(`${o.base}/imports`, { text: 'email\na@example.com\n' })).statusCode).toBe(403);
    const other = await orgWithOwner(t);
    expect((await other.owner.agent.get(`${o.base}/imports`)).statusCode).toBe(404);
  });
});
