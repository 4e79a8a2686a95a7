import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, lastMail } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const release = (email: string) =>
  t.ctx.database.query(
    `UPDATE ${t.ctx.config.jobs.schema}.job SET start_after = now() WHERE name = 'email.send' AND data->>'emailId' IN (SELECT id::text FROM emails WHERE to_address = $1)`,
    [email],
  );

describe('program-session invitations', () => {
  it('sends at once for an open session; the existing member accepts and is enrolled', async () => {
    const o = await orgWithOwner(t);
    const program = await o.program('First aid');
    const session = await o.session(program.id, -3_600_000);
    const member = await addMember(t, o.org.id, 'learner');
    const res = expectStatus(
      await o.owner.agent.post(`${o.base}/programs/${program.id}/sessions/${session.id}/invitations`, {
        accountIds: [member.id],
        emails: [`new-${uid()}@example.com`],
      }),
      201,
    );
    expect(res.data.items).toHaveLength(2);
    const mail = await lastMail(t, member.email);
    expect(mail!.subject).toContain('First aid');
    expectStatus(await member.agent.post(`/api/v1/invitations/${mail!.token}/accept`), 200);
    const mine = (await member.agent.get('/api/v1/me/enrolments')).data.items;
    expect(JSON.stringify(mine)).toContain(session.id);
    const again = expectStatus(
      await o.owner.agent.post(`${o.base}/programs/${program.id}/sessions/${session.id}/invitations`, { accountIds: [member.id] }),
      201,
    );
    expect(again.data.skipped).toEqual([{ email: member.email, reason: 'already_enrolled' }]);
  });

  it('waits for a scheduled session to open; cancelling before then sends nothing', async () => {
    const o = await orgWithOwner(t);
    const program = await o.program('Later');
    const session = await o.session(program.id, 7 * 86_400_000);
    const kept = `kept-${uid()}@example.com`;
    const dropped = `dropped-${uid()}@example.com`;
    const res = expectStatus(
      await o.owner.agent.post(`${o.base}/programs/${program.id}/sessions/${session.id}/invitations`, { emails: [kept, dropped] }),
      201,
    );
    expect(res.data.items[0].sendAt).toBeTruthy();
    expect(await lastMail(t, kept)).toBeNull();
    const droppedInv = res.data.items.find((i: { email: unknown }) => i.email === dropped);
    expectStatus(await o.owner.agent.post(`${o.base}/invitations/${droppedInv.id}/cancel`), 200);
    await release(kept);
    await release(dropped);
    expect((await lastMail(t, kept))?.subject).toContain('Later');
    expect(await lastMail(t, dropped)).toBeNull();
  });

  it('answers 404 for another organization’s session', async () => {
    const a = await orgWithOwner(t);
    const b = await orgWithOwner(t);
    const program = await b.program('Theirs');
    const session = await b.session(program.id);
    const res = await a.owner.agent.post(`${a.base}/programs/${program.id}/sessions/${session.id}/invitations`, {
      emails: ['x@example.com'],
    });
    expect(res.statusCode).toBe(404);
  });
});
