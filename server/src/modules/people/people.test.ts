import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient } from '../../../test/api-key-client.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Org = Awaited<ReturnType<typeof orgWithOwner>>;
const key = async (o: Org, scopes: string[]) =>
  keyClient(t, expectStatus(await o.owner.agent.post(`${o.base}/api-keys`, { name: 'HR', scopes }), 201).data.secret);
const count = async (text: string, values: unknown[]) => Number((await t.ctx.database.query(text, values)).rows[0]?.n);

describe('provisioning people', () => {
  it('creates a managed account in its groups (enrolled by the groups’ programs); the same call again changes nothing', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group(`Drivers ${uid()}`);
    const s = await o.session((await o.program()).id);
    await o.attach(g.id, s.id);
    const hr = await key(o, ['members:write']);
    const body = { email: `ana-${uid()}@example.com`, name: 'Ana', mode: 'create', role: 'learner', groupIds: [g.id] };
    const first = expectStatus(await hr.put(`${o.base}/people/HR-1`, body), 201).data;
    expect(first).toMatchObject({ externalId: 'HR-1', status: 'active', changed: true });
    expect((await o.enrolments()).has(`${first.accountId}:${s.id}`)).toBe(true);
    const audits = await count(`SELECT count(*) AS n FROM audit_events WHERE org_id = $1`, [o.org.id]);
    const mails = await count(`SELECT count(*) AS n FROM emails WHERE org_id = $1`, [o.org.id]);
    const again = expectStatus(await hr.put(`${o.base}/people/HR-1`, body), 200).data;
    expect(again).toMatchObject({ accountId: first.accountId, changed: false });
    expect(await count(`SELECT count(*) AS n FROM audit_events WHERE org_id = $1`, [o.org.id])).toBe(audits);
    expect(await count(`SELECT count(*) AS n FROM emails WHERE org_id = $1`, [o.org.id])).toBe(mails);
  });

  it('updates role and groups (replace or add), never to admin, and archives on DELETE keeping started training', async () => {
    const o = await orgWithOwner(t);
    const a = await o.group(`A ${uid()}`);
    const b = await o.group(`B ${uid()}`);
    const hr = await key(o, ['members:write']);
    const email = `bo-${uid()}@example.com`;
    const p = expectStatus(await hr.put(`${o.base}/people/E2`, { email, name: 'Bo', mode: 'create', groupIds: [a.id] }), 201).data;
    expectStatus(
      await hr.put(`${o.base}/people/E2`, { email, name: 'Bo', mode: 'create', role: 'guest', groupIds: [b.id], groupsMode: 'add' }),
      200,
    );
    const groupsOf = async () =>
      (await t.ctx.database.query(`SELECT group_id FROM group_members WHERE account_id = $1`, [p.accountId])).rows
        .map((r) => r.group_id)
        .sort();
    expect(await groupsOf()).toEqual([a.id, b.id].sort());
    expectStatus(await hr.put(`${o.base}/people/E2`, { email, name: 'Bo', mode: 'create', role: 'guest', groupIds: [b.id] }), 200);
    expect(await groupsOf()).toEqual([b.id]);
    const admin = await hr.put(`${o.base}/people/E2`, { email, name: 'Bo', mode: 'create', role: 'admin', groupIds: [] });
    expect(admin.statusCode).toBe(422);
    expectStatus(await hr.delete(`${o.base}/people/E2`), 204);
    const listed = (await o.owner.agent.get(`${o.base}/members?status=archived`)).data.items.map((m: { accountId: string }) => m.accountId);
    expect(listed).toEqual([p.accountId]);
    expect((await hr.delete(`${o.base}/people/unknown`)).statusCode).toBe(404);
  });

  it('invites when asked to, which needs invitations:write', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group(`G ${uid()}`);
    const body = { email: `cy-${uid()}@example.com`, name: 'Cy', mode: 'invite', groupIds: [g.id] };
    expect((await (await key(o, ['members:write'])).put(`${o.base}/people/X`, body)).statusCode).toBe(403);
    const hr = await key(o, ['members:write', 'invitations:write']);
    const res = expectStatus(await hr.put(`${o.base}/people/X`, body), 201).data;
    expect(res).toMatchObject({ status: 'invited', accountId: null });
    expect(res.invitationId).toBeTruthy();
    expect(expectStatus(await hr.put(`${o.base}/people/X`, body), 200).data.changed).toBe(false);
  });
});
