import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { lastMail, PASSWORD } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

// The apply step end to end: the links its emails carry (tokens made by the database), and rows
// decided against the organization as it is at approval, not as it was at the preview.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function runApproved(o: Awaited<ReturnType<typeof orgWithOwner>>, importId: string, body: Record<string, unknown> = {}) {
  expectStatus(await o.owner.agent.post(`${o.base}/imports/${importId}/approve`, body), 202);
  await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
  return (await o.owner.agent.get(`${o.base}/imports/${importId}`)).data;
}

const rowsOf = async (o: Awaited<ReturnType<typeof orgWithOwner>>, importId: string) =>
  Object.fromEntries(
    (await o.owner.agent.get(`${o.base}/imports/${importId}/rows?limit=100`)).data.items.map((r: { email: unknown }) => [r.email, r]),
  );

describe('applying an import', () => {
  const u = uid(); // addresses of their own: the PostgreSQL database is shared by every test file
  it('sends invitations whose links work: the person registers, joins the groups and is enrolled', async () => {
    const o = await orgWithOwner(t);
    const sales = await o.group('Sales');
    const session = await o.session((await o.program('Welcome')).id);
    await o.attach(sales.id, session.id);
    const prev = expectStatus(
      await o.owner.agent.post(`${o.base}/imports`, { text: `email,first name,groups\nzoe-${u}@example.com,Zoé,Sales\n`, mode: 'invite' }),
      201,
    );
    expect((await runApproved(o, prev.data.id)).result).toMatchObject({ invited: 1 });

    const mail = await lastMail(t, `zoe-${u}@example.com`);
    expect(mail!.text).toContain('Sales');
    const view = expectStatus(await new Agent(t.app).get(`/api/v1/invitations/${mail!.token}`), 200);
    expect(view.data).toMatchObject({ state: 'open' });
    const visitor = new Agent(t.app);
    expectStatus(await visitor.post(`/api/v1/invitations/${mail!.token}/register`, { name: 'Zoé', password: PASSWORD }), 201);
    const member = (await o.owner.agent.get(`${o.base}/members?q=zoe-${u}@example.com`)).data.items[0];
    expect(member).toMatchObject({ status: 'active' });
    expect((await o.enrolments()).get(`${member.accountId ?? member.id}:${session.id}`)).toBe(0);
  });

  it('creates accounts whose set-password links work', async () => {
    const o = await orgWithOwner(t);
    await o.group('Sales');
    const prev = expectStatus(
      await o.owner.agent.post(`${o.base}/imports`, {
        text: `email,first name,last name,groups\nyuri-${u}@example.com,Yuri,Gagarin,Sales\n`,
        mode: 'create',
      }),
      201,
    );
    expect((await runApproved(o, prev.data.id)).result).toMatchObject({ created: 1 });
    const mail = await lastMail(t, `yuri-${u}@example.com`);
    expect(mail!.link).toContain('/set-password?token=');
    const visitor = new Agent(t.app);
    expectStatus(await visitor.post('/api/v1/auth/set-password', { token: mail!.token, password: PASSWORD }), 200);
    expectStatus(await visitor.post('/api/v1/auth/login', { email: `yuri-${u}@example.com`, password: PASSWORD }), 200);
    // The link is single-use.
    expect((await new Agent(t.app).post('/api/v1/auth/set-password', { token: mail!.token, password: `${PASSWORD}!` })).statusCode).toBe(
      400,
    );
  });

  it('sends the invitations at the chosen time, not before', async () => {
    const o = await orgWithOwner(t);
    await o.group('Sales');
    const prev = expectStatus(
      await o.owner.agent.post(`${o.base}/imports`, { text: `email,groups\nlater-${u}@example.com,Sales\n`, mode: 'invite' }),
      201,
    );
    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    expect((await runApproved(o, prev.data.id, { sendAt })).result).toMatchObject({ invited: 1 });
    expect(await lastMail(t, `later-${u}@example.com`)).toBeNull();
    const member = (await o.owner.agent.get(`${o.base}/members?q=later-${u}`)).data.items[0];
    expect(member).toMatchObject({ status: 'prospect' });
    // The time comes: the batch job is due.
    await t.ctx.database.query(
      `UPDATE ${t.ctx.config.jobs.schema}.job SET start_after = now() WHERE name = 'email.batch' AND data->>'batchId' IN (SELECT batch_id::text FROM emails WHERE to_address = $1)`,
      [`later-${u}@example.com`],
    );
    expect((await lastMail(t, `later-${u}@example.com`))?.link).toContain('/invitations/');
  });

  it('without welcome emails, creates the accounts silently and mails the admin a summary instead', async () => {
    const o = await orgWithOwner(t);
    await o.group('Sales');
    const prev = expectStatus(
      await o.owner.agent.post(`${o.base}/imports`, { text: `email,groups\nquiet-${u}@example.com,Sales\n`, mode: 'create' }),
      201,
    );
    expect((await runApproved(o, prev.data.id, { sendWelcome: false })).result).toMatchObject({ created: 1 });
    expect(await lastMail(t, `quiet-${u}@example.com`)).toBeNull();
    const summary = await lastMail(t, o.owner.email);
    expect(summary?.subject).toMatch(/Your import into .* is done/);
    expect(summary?.text).toContain(
      '1 account created, 0 members added to groups, 0 already there, 0 rows skipped. No welcome email was sent.',
    );
  });

  it('decides each row against the organization at approval: a group deleted or an invitation sent since is a reason to skip', async () => {
    const o = await orgWithOwner(t);
    const sales = await o.group('Sales');
    const support = await o.group('Support');
    const text = `email,groups\nada-${u}@example.com,Sales\nbob-${u}@example.com,Support\ncyd-${u}@example.com,Sales\nnot-an-address,Sales\n`;
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'invite' }), 201);
    expect(prev.data.counts).toMatchObject({ rows: 4, valid: 3, invalid: 1 });
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${support.id}`), 204);
    expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: [`cyd-${u}@example.com`], groupIds: [sales.id] }), 201);

    const done = await runApproved(o, prev.data.id);
    expect(done).toMatchObject({ status: 'done', result: { invited: 1, skipped: 3, rows: 4 } });
    const rows = await rowsOf(o, prev.data.id);
    expect(rows[`ada-${u}@example.com`]).toMatchObject({ result: 'invited', resultReason: null });
    expect(rows[`bob-${u}@example.com`]).toMatchObject({ result: 'skipped', resultReason: 'unknown_group' });
    expect(rows[`cyd-${u}@example.com`]).toMatchObject({ result: 'skipped', resultReason: 'already_invited' });
    expect(rows['not-an-address']).toMatchObject({ result: 'skipped', resultReason: 'invalid' });
    expect(await lastMail(t, `bob-${u}@example.com`)).toBeNull();
  });

  it('creates the missing groups when asked at approval, and the rows that named them are applied', async () => {
    const o = await orgWithOwner(t);
    await o.group('Sales');
    const text = `email,groups\ndee-${u}@example.com,Sales; Night  shift\neve-${u}@example.com,night shift\n`;
    const prev = expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'invite' }), 201);
    expect(prev.data.counts).toMatchObject({ valid: 0, invalid: 2 });
    const done = await runApproved(o, prev.data.id, { createMissingGroups: true });
    expect(done).toMatchObject({ result: { invited: 2, skipped: 0 }, counts: { valid: 2, invalid: 0 }, unknownGroups: [] });
    const groups = (await o.owner.agent.get(`${o.base}/groups?q=night`)).data.items;
    expect(groups.map((g: { name: unknown }) => g.name)).toEqual(['Night shift']);
    const invitations = (await o.owner.agent.get(`${o.base}/members?groupId=${groups[0].id}`)).data.items;
    expect(invitations.map((m: { email: unknown }) => m.email).sort()).toEqual([`dee-${u}@example.com`, `eve-${u}@example.com`]);
    const rows = await rowsOf(o, prev.data.id);
    expect(rows[`dee-${u}@example.com`]).toMatchObject({
      outcome: 'valid',
      messages: [{ code: 'group_will_be_created', level: 'info', value: 'Night  shift' }],
    });
  });
});
