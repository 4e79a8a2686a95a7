import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient } from '../../../test/api-key-client.js';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';

// Imports that update and sync (issue 15): what an admin sees in the preview and what applying does.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Org = Awaited<ReturnType<typeof orgWithOwner>>;

async function upload(o: Org, text: string, extra: Record<string, unknown> = {}) {
  return expectStatus(await o.owner.agent.post(`${o.base}/imports`, { text, mode: 'create', ...extra }), 201).data;
}
async function approve(o: Org, importId: string, body: Record<string, unknown> = {}) {
  const res = await o.owner.agent.post(`${o.base}/imports/${importId}/approve`, body);
  if (res.statusCode === 202) await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
  return res;
}
const done = async (o: Org, importId: string) => expectStatus(await o.owner.agent.get(`${o.base}/imports/${importId}`), 200).data;

/** Members of the organization as the database has them, by email. */
async function members(o: Org) {
  const rows = await queryRows<{ email: string; name: string; status: string; external_id: string | null; groups: string[] }>(
    t.ctx.db,
    sql`SELECT a.email, a.name, m.status, m.external_id,
          ARRAY(SELECT g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.org_id = m.org_id AND gm.account_id = a.id ORDER BY g.name) AS groups
        FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.org_id = ${o.org.id}`,
  );
  return Object.fromEntries(rows.map((r) => [r.email.split('-')[0], r]));
}

/** An organization with managed members ann, bob, cat, dan (made by an import), in Sales, with external ids. */
async function seeded() {
  const o = await orgWithOwner(t);
  await o.group('Sales');
  await o.group('Support');
  const u = uid();
  const mail = (n: string) => `${n}-${u}@example.com`;
  const first = await upload(
    o,
    `email,first name,last name,groups,external id\n${['ann', 'bob', 'cat', 'dan'].map((n, i) => `${mail(n)},${n},Smith,Sales,E${i}`).join('\n')}\n`,
  );
  expectStatus(await approve(o, first.id, { sendWelcome: false }), 202);
  expect((await done(o, first.id)).result).toMatchObject({ created: 4 });
  return { o, mail };
}

describe('imports that update', () => {
  it('updates the members the file names, field by field; blank cells keep their values', async () => {
    const { o, mail } = await seeded();
    const prev = await upload(
      o,
      `email,first name,last name,groups,external id\n${mail('ann')},Anna,Smith,Support,\n${mail('bob')},,,Sales,E1b\n${mail('cat')},cat,Smith,Sales,E2\n`,
      {
        syncMode: 'update',
        blankCells: 'keep',
      },
    );
    expect(prev.syncMode).toBe('update');
    expect(prev.counts).toMatchObject({ new: 0, updated: 2, unchanged: 1, toArchive: 0 });
    const ann = prev.rows.find((r: { email: string }) => r.email === mail('ann'));
    expect(ann.changes).toEqual({
      name: { before: 'ann Smith', after: 'Anna Smith' },
      groups: { before: ['Sales'], after: ['Sales', 'Support'] },
    });
    const bob = prev.rows.find((r: { email: string }) => r.email === mail('bob'));
    expect(bob.changes).toEqual({ externalId: { before: 'E1', after: 'E1b' } });
    const changed = expectStatus(await o.owner.agent.get(`${o.base}/imports/${prev.id}/rows?change=updated`), 200).data.items;
    expect(changed.map((r: { email: string }) => r.email)).toEqual([mail('ann'), mail('bob')]);

    expectStatus(await approve(o, prev.id), 202);
    expect((await done(o, prev.id)).result).toMatchObject({ updated: 2, alreadyThere: 1, archived: 0 });
    const m = await members(o);
    expect(m.ann).toMatchObject({ name: 'Anna Smith', external_id: 'E0', groups: ['Sales', 'Support'], status: 'active' });
    expect(m.bob).toMatchObject({ name: 'bob Smith', external_id: 'E1b' });
    expect(m.dan).toMatchObject({ status: 'active', external_id: 'E3' });
  });

  it('clears what a blank cell clears when the admin chooses so', async () => {
    const { o, mail } = await seeded();
    const prev = await upload(o, `email,external id,groups\n${mail('ann')},,\n${mail('bob')},E1,Sales\n`, {
      syncMode: 'update',
      blankCells: 'clear',
    });
    expect(prev.counts).toMatchObject({ updated: 1, unchanged: 1 });
    expect(prev.rows[0].changes).toEqual({ externalId: { before: 'E0', after: null }, groups: { before: ['Sales'], after: [] } });
    expectStatus(await approve(o, prev.id), 202);
    const m = await members(o);
    expect(m.ann).toMatchObject({ external_id: null, groups: [], status: 'active' });
    expect(m.bob).toMatchObject({ external_id: 'E1', groups: ['Sales'] });
  });
});

describe('imports that sync', () => {
  it('archives members missing from the file and replaces group memberships, once the number is typed', async () => {
    const { o, mail } = await seeded();
    const prev = await upload(o, `email,groups\n${mail('ann')},Support\n${mail('bob')},Sales\n`, { syncMode: 'sync' });
    // 5 active members (the owner too): archiving cat and dan is 40 %, over the default 10 %.
    expect(prev.counts).toMatchObject({
      toArchive: 2,
      membersInScope: 5,
      archivePercent: 40,
      overThreshold: true,
      updated: 1,
      unchanged: 1,
    });
    const list = expectStatus(await o.owner.agent.get(`${o.base}/imports/${prev.id}/to-archive?limit=1`), 200).data;
    expect(list.items).toHaveLength(1);
    const rest = expectStatus(
      await o.owner.agent.get(`${o.base}/imports/${prev.id}/to-archive?limit=1&cursor=${list.nextCursor}`),
      200,
    ).data;
    expect([list.items[0].email, rest.items[0].email].sort()).toEqual([mail('cat'), mail('dan')]);

    const missing = expectStatus(await approve(o, prev.id), 422);
    expect(missing.data.error.code).toBe('archive_confirmation_required');
    expect(missing.data.error.details).toMatchObject({ toArchive: 2, members: 5 });
    const fr = await o.owner.agent.post(`${o.base}/imports/${prev.id}/approve`, { confirmArchiveCount: 3 }, { 'accept-language': 'fr' });
    expect(fr.statusCode).toBe(422);
    expect(fr.data.error.code).toBe('archive_count_mismatch');
    expect((await done(o, prev.id)).status).toBe('preview');

    expectStatus(await approve(o, prev.id, { confirmArchiveCount: 2 }), 202);
    expect((await done(o, prev.id)).result).toMatchObject({ archived: 2, updated: 1, alreadyThere: 1 });
    const m = await members(o);
    expect(m.ann).toMatchObject({ status: 'active', groups: ['Support'] });
    expect(m.bob).toMatchObject({ status: 'active', groups: ['Sales'] });
    expect(m.cat?.status).toBe('archived');
    expect(m.dan?.status).toBe('archived');
    expect(m.user?.status).toBe('active'); // the owner is never archived
    // Applied once: approving again is refused, nothing runs twice.
    expect((await approve(o, prev.id, { confirmArchiveCount: 2 })).statusCode).toBe(409);
  });

  it('approves without typing under the threshold, and syncs only the chosen groups', async () => {
    const { o, mail } = await seeded();
    const support = (await o.owner.agent.get(`${o.base}/groups?limit=50`)).data.items.find((g: { name: string }) => g.name === 'Support');
    // ann moves to Support; the sync covers Support only: nobody else is archived.
    const moved = await upload(o, `email,groups\n${mail('ann')},Support\n`, { syncMode: 'update' });
    expectStatus(await approve(o, moved.id), 202);
    const prev = await upload(o, `email,groups\n${mail('bob')},Support\n`, {
      syncMode: 'sync',
      syncScope: { groupIds: [support.id] },
      archiveThresholdPercent: 60,
    });
    expect(prev.counts).toMatchObject({ toArchive: 1, membersInScope: 1, overThreshold: true });
    const high = await upload(o, `email,groups\n${mail('bob')},Support\n`, {
      syncMode: 'sync',
      syncScope: { groupIds: [support.id] },
      archiveThresholdPercent: 100,
    });
    expect(high.counts).toMatchObject({ toArchive: 1, overThreshold: false });
    expectStatus(await approve(o, high.id), 202);
    const m = await members(o);
    expect(m.ann?.status).toBe('archived');
    expect(m.bob).toMatchObject({ status: 'active', groups: ['Sales', 'Support'] });
    expect(m.cat?.status).toBe('active');
  });
});

describe('a sync checked again when it runs', () => {
  it('applies nothing when more members would be archived than were approved', async () => {
    const { o, mail } = await seeded();
    const prev = await upload(o, `email,groups\n${mail('ann')},Sales\n${mail('bob')},Sales\n${mail('cat')},Sales\n`, {
      syncMode: 'sync',
      archiveThresholdPercent: 20,
    });
    expect(prev.counts).toMatchObject({ toArchive: 1, overThreshold: false });
    expectStatus(await o.owner.agent.post(`${o.base}/imports/${prev.id}/approve`, {}), 202);
    // Before the run, two more people join: the sync would now archive 3 of 7 members.
    await seedMembers(t, o.org.id, 2);
    await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
    const after = await done(o, prev.id);
    expect(after.status).toBe('failed');
    expect(after.error).toContain('archive 3 members');
    expect((await members(o)).dan?.status).toBe('active');
  });
});

describe('unattended imports through the API', () => {
  it('applies an import under the threshold at once, and holds one over it for an admin, who is emailed', async () => {
    const { o, mail } = await seeded();
    const key = expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: `HR ${uid()}`, scopes: ['imports:write'] }), 201).data;
    const api = keyClient(t, key.secret);
    const all = ['ann', 'bob', 'cat', 'dan'].map((n) => `${mail(n)},Sales`).join('\n');
    const under = expectStatus(
      await api.post(`${o.base}/imports`, {
        text: `email,groups\n${all}\n${mail('eve')},Sales\n`,
        mode: 'create',
        syncMode: 'sync',
        autoApprove: true,
      }),
      201,
    ).data;
    expect(under.status).toBe('approved');
    await t.ctx.jobs.drain(t.ctx, { names: ['imports.run'] });
    expect((await api.get(`${o.base}/imports/${under.id}`)).data).toMatchObject({ status: 'done', result: { created: 1, archived: 0 } });

    const over = expectStatus(
      await api.post(`${o.base}/imports`, {
        text: `email,groups\n${mail('ann')},Sales\n`,
        mode: 'create',
        syncMode: 'sync',
        autoApprove: true,
      }),
      201,
    ).data;
    expect(over.status).toBe('preview');
    expect(over.options).toMatchObject({ heldForApproval: true });
    await t.drain();
    const box = await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(o.owner.email)}` });
    const held = box.json().items.find((m: { subject: string }) => m.subject.includes('waiting'));
    expect(held?.subject).toContain('waiting');
    expect(held?.text).toContain(`/imports/${over.id}`);
    expect((await members(o)).bob?.status).toBe('active');
  });
});
