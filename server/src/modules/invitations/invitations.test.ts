import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { PASSWORD, addMember, lastMail, signUp } from '../../../test/factories.js';
import { PNG_1PX, expectStatus, multipart, orgWithOwner, upload } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const rows = (q: ReturnType<typeof sql>) => queryRows<Record<string, unknown>>(t.ctx.db, q);

/** Makes the scheduled emails of one address due now (pg-boss reads the database clock). */
async function releaseScheduled(email: string) {
  await t.ctx.database.query(
    `UPDATE ${t.ctx.config.jobs.schema}.job SET start_after = now() WHERE name = 'email.send' AND data->>'emailId' IN (SELECT id::text FROM emails WHERE to_address = $1)`,
    [email],
  );
}

async function setup() {
  const o = await orgWithOwner(t);
  const group = await o.group(`Sales ${uid()}`, { welcomeMessage: 'Welcome to sales' });
  return { ...o, makeGroup: o.group, group };
}

describe('inviting by email', () => {
  it('invites pasted addresses and says, per address, what was skipped and why', async () => {
    const o = await setup();
    const member = await addMember(t, o.org.id, 'learner');
    const pending = `pending-${uid()}@example.com`;
    expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: [pending], groupIds: [o.group.id] }), 201);
    const a = `a-${uid()}@example.com`;
    const b = `b-${uid()}@example.com`;
    const res = expectStatus(
      await o.owner.agent.post(`${o.base}/invitations`, {
        emails: [
          `${a}, ${b.toUpperCase().replace('@EXAMPLE.COM', '@example.com')};not-an-address\nJean Dupont <${b}>`,
          member.email,
          pending,
        ],
        groupIds: [o.group.id],
      }),
      201,
    );
    expect(res.data.items.map((i: { email: unknown }) => i.email).sort()).toEqual(
      [a, b.toUpperCase().replace('@EXAMPLE.COM', '@example.com')].sort(),
    );
    expect(res.data.items[0].status).toBe('prospect');
    const reasons = Object.fromEntries(res.data.skipped.map((s: { email: string; reason: unknown }) => [s.email.toLowerCase(), s.reason]));
    expect(reasons).toEqual({
      'not-an-address': 'invalid_email',
      [b]: 'duplicate_in_list',
      [member.email]: 'already_member',
      [pending]: 'already_invited',
    });
    expect(res.data.skipped.find((s: { reason: unknown }) => s.reason === 'already_invited').invitationId).toBeTruthy();
  });

  it('requires at least one group, and refuses a long message, unknown groups and unknown fields', async () => {
    const o = await setup();
    const none = await o.owner.agent.post(`${o.base}/invitations`, { emails: ['x@example.com'], groupIds: [] });
    expect(none.statusCode).toBe(422);
    expect(none.data.error).toMatchObject({ code: 'groups_required', details: { fields: { groupIds: expect.any(String) } } });
    const long = await o.owner.agent.post(`${o.base}/invitations`, {
      emails: ['x@example.com'],
      groupIds: [o.group.id],
      message: 'x'.repeat(5001),
    });
    expect(long.statusCode).toBe(422);
    expect(long.data.error.details.fields.message).toBeTruthy();
    const other = await orgWithOwner(t);
    const otherGroup = await other.group('Elsewhere');
    const foreign = await o.owner.agent.post(`${o.base}/invitations`, { emails: ['x@example.com'], groupIds: [otherGroup.id] });
    expect(foreign.data.error.code).toBe('unknown_group');
    expect(
      (await o.owner.agent.post(`${o.base}/invitations`, { emails: ['x@example.com'], groupIds: [o.group.id], orgId: other.org.id }))
        .statusCode,
    ).toBe(422);
  });

  it('moves prospect → pending when the mail is delivered; the mail shows the message as text and a link Troupe adds', async () => {
    const o = await setup();
    const email = `html-${uid()}@example.com`;
    const res = await o.owner.agent.post(`${o.base}/invitations`, {
      emails: [email],
      groupIds: [o.group.id],
      message: '<b>Bienvenue</b> <script>alert(1)</script>',
    });
    const id = res.data.items[0].id;
    const mail = await lastMail(t, email);
    expect(mail!.link).toMatch(/^http:\/\/troupe\.test\/invitations\/[\w-]{43}$/);
    expect(mail!.html).toContain('&lt;b&gt;Bienvenue&lt;/b&gt;');
    expect(mail!.html).not.toContain('<script>');
    expect(mail!.text).toContain(o.group.name);
    const inv = await o.owner.agent.get(`${o.base}/invitations/${id}`);
    expect(inv.data.status).toBe('pending');
    expect(inv.data.sentAt).toBeTruthy();
    // The token is in the email only: no answer carries it, the database holds its hash.
    expect(JSON.stringify(inv.data)).not.toContain(mail!.token!);
    const [tok] = await rows(sql`SELECT token_hash FROM invitation_tokens WHERE invitation_id = ${id}`);
    expect(tok?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sends a scheduled invitation at its time, not before (controllable clock)', async () => {
    const o = await setup();
    const email = `later-${uid()}@example.com`;
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [o.group.id], sendAt });
    expect(res.data.items[0]).toMatchObject({ status: 'prospect', sendAt });
    await t.drain();
    expect(await lastMail(t, email)).toBeNull();
    await releaseScheduled(email);
    expect((await lastMail(t, email))?.subject).toMatch(/invites you to join/);
    expect((await o.owner.agent.get(`${o.base}/invitations/${res.data.items[0].id}`)).data.status).toBe('pending');
  });

  it('invites 5,000 addresses through a background batch and reports the result', async () => {
    const o = await setup();
    const emails = Array.from({ length: 5000 }, (_, i) => `bulk-${i}-${uid()}@example.com`);
    const [firstEmail = ''] = emails;
    emails.push('broken@', firstEmail);
    const res = await o.owner.agent.post(`${o.base}/invitations`, {
      emails: [emails.join('\n')],
      groupIds: [o.group.id],
      sendAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(res.statusCode).toBe(202);
    expect(res.data).toMatchObject({ status: 'queued', total: 5002 });
    await t.ctx.jobs.drain(t.ctx, { names: ['invitations.batch'] });
    const batch = await o.owner.agent.get(`${o.base}/invitations/batches/${res.data.batchId}`);
    expect(batch.data).toMatchObject({ status: 'done', invited: 5000 });
    expect(batch.data.skipped.map((s: { reason: unknown }) => s.reason).sort()).toEqual(['duplicate_in_list', 'invalid_email']);
    const counts = await o.owner.agent.get(`${o.base}/members/counts`);
    expect(counts.data.prospect).toBe(5000);
  });
});

describe('cancel, resend, change address', () => {
  it('cancels one invitation and its link then says so; nothing is sent when cancelled before sending', async () => {
    const o = await setup();
    const email = `cancel-${uid()}@example.com`;
    const inv = (
      await o.owner.agent.post(`${o.base}/invitations`, {
        emails: [email],
        groupIds: [o.group.id],
        sendAt: new Date(Date.now() + 86_400_000).toISOString(),
      })
    ).data.items[0];
    expectStatus(await o.owner.agent.post(`${o.base}/invitations/${inv.id}/cancel`), 200);
    await releaseScheduled(email);
    expect(await lastMail(t, email)).toBeNull();
    const again = await o.owner.agent.post(`${o.base}/invitations/${inv.id}/cancel`);
    expect(again.statusCode).toBe(409);
  });

  it('resend gives a fresh link; the old link says it was replaced; cancel makes the new link say cancelled', async () => {
    const o = await setup();
    const email = `resend-${uid()}@example.com`;
    const inv = (await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [o.group.id] })).data.items[0];
    const first = await lastMail(t, email);
    expectStatus(await o.owner.agent.post(`${o.base}/invitations/${inv.id}/resend`), 200);
    const second = await lastMail(t, email);
    expect(second!.token).not.toBe(first!.token);
    const anon = new Agent(t.app);
    expect((await anon.get(`/api/v1/invitations/${first!.token}`)).data.state).toBe('replaced');
    expect((await anon.get(`/api/v1/invitations/${second!.token}`)).data.state).toBe('open');
    await o.owner.agent.post(`${o.base}/invitations/${inv.id}/cancel`);
    expect((await anon.get(`/api/v1/invitations/${second!.token}`)).data.state).toBe('cancelled');
    const decline = await anon.post(`/api/v1/invitations/${second!.token}/decline`);
    expect(decline.statusCode).toBe(410);
    expect(decline.data.error.code).toBe('invitation_cancelled');
  });

  it('a limited manager may resend but not invite or cancel', async () => {
    const o = await setup();
    const inv = (await o.owner.agent.post(`${o.base}/invitations`, { emails: [`lm-${uid()}@example.com`], groupIds: [o.group.id] })).data
      .items[0];
    const limited = await addMember(t, o.org.id, 'manager_limited');
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${o.group.id}/observers`, { accountIds: [limited.id] }), 200); // a group it manages
    expect((await limited.agent.post(`${o.base}/invitations`, { emails: ['x@example.com'], groupIds: [o.group.id] })).statusCode).toBe(403);
    expect((await limited.agent.post(`${o.base}/invitations/${inv.id}/cancel`)).statusCode).toBe(403);
    expect((await limited.agent.post(`${o.base}/invitations/${inv.id}/resend`)).statusCode).toBe(200);
  });

  it('cancels in bulk from pasted addresses and says which matched', async () => {
    const o = await setup();
    const emails = [0, 1, 2].map((i) => `bulkc-${i}-${uid()}@example.com`);
    const [e0 = '', e1 = ''] = emails;
    await o.owner.agent.post(`${o.base}/invitations`, { emails, groupIds: [o.group.id] });
    const res = expectStatus(
      await o.owner.agent.post(`${o.base}/invitations/cancel`, {
        emails: [`${e0.toUpperCase().replace('@EXAMPLE.COM', '@example.com')}; ${e1}\nnobody-${uid()}@example.com`],
      }),
      200,
    );
    expect(res.data.cancelled.map((c: { email: unknown }) => c.email).sort()).toEqual([emails[0], emails[1]].sort());
    expect(res.data.notFound).toHaveLength(1);
    const counts = (await o.owner.agent.get(`${o.base}/members/counts`)).data;
    expect(counts).toMatchObject({ cancelled: 2, prospect: 1 });
  });

  it('changes the address of a pending invitation in one action, keeping the history', async () => {
    const o = await setup();
    const wrong = `wrong-${uid()}@example.com`;
    const right = `right-${uid()}@example.com`;
    const inv = (await o.owner.agent.post(`${o.base}/invitations`, { emails: [wrong], groupIds: [o.group.id] })).data.items[0];
    const res = expectStatus(await o.owner.agent.post(`${o.base}/invitations/${inv.id}/change-email`, { email: right }), 201);
    expect(res.data).toMatchObject({ email: right, replacesId: inv.id, status: 'prospect' });
    expect((await o.owner.agent.get(`${o.base}/invitations/${inv.id}`)).data.status).toBe('cancelled');
    const list = (await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(wrong)}`)).data.items;
    expect(list).toEqual([]);
    expect((await lastMail(t, right))?.link).toContain('/invitations/');
  });
});

describe('accepting', () => {
  it('a new person registers from the link (address fixed, no second verification), joins the groups, once', async () => {
    const o = await setup();
    const email = `new-${uid()}@example.com`;
    await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [o.group.id], role: 'learner' });
    const mail = await lastMail(t, email);
    const a = new Agent(t.app);
    const view = expectStatus(await a.get(`/api/v1/invitations/${mail!.token}`), 200);
    expect(view.data).toMatchObject({
      state: 'open',
      email,
      accountExists: false,
      organization: { name: o.org.name },
      groups: [{ name: o.group.name, welcomeMessage: 'Welcome to sales' }],
    });
    // Opening the link did not consume it.
    expect((await a.get(`/api/v1/invitations/${mail!.token}`)).data.state).toBe('open');
    expectStatus(await a.post(`/api/v1/invitations/${mail!.token}/register`, { name: 'Nina', password: PASSWORD }), 201);
    const me = await a.get('/api/v1/me');
    expect(me.data.memberships).toEqual([expect.objectContaining({ orgId: o.org.id, role: 'learner' })]);
    const gm = await o.owner.agent.get(`${o.base}/groups/${o.group.id}/members`);
    expect(gm.data.items.map((m: { email: unknown; accountId: unknown }) => m.email ?? m.accountId)).toContain(email);
    expect((await a.post(`/api/v1/invitations/${mail!.token}/register`, { name: 'Nina', password: PASSWORD })).statusCode).toBe(409);
    const members = (await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(email)}`)).data.items;
    expect(members).toEqual([expect.objectContaining({ status: 'active', name: 'Nina' })]);
  });

  it('shows the group logo on the invitation page without signing in, and only for groups of that invitation', async () => {
    const o = await setup();
    expectStatus(
      await upload(o.owner.agent, `${o.base}/groups/${o.group.id}/logo`, multipart('file', 'logo.png', 'image/png', PNG_1PX)),
      200,
    );
    const other = await o.makeGroup(`Other ${uid()}`);
    const email = `logo-${uid()}@example.com`;
    await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [o.group.id] });
    const mail = await lastMail(t, email);
    const anon = new Agent(t.app);
    const view = (await anon.get(`/api/v1/invitations/${mail!.token}`)).data;
    const logo = await anon.get(view.groups[0].logoUrl);
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect((await anon.get(`/api/v1/invitations/${mail!.token}/groups/${other.id}/logo`)).statusCode).toBe(404);
  });

  it('before acceptance the organization sees only the address it typed', async () => {
    const o = await setup();
    const existing = await signUp(t, { name: 'Secret Name' });
    await o.owner.agent.post(`${o.base}/invitations`, { emails: [existing.email], groupIds: [o.group.id] });
    await t.drain();
    const [row] = (await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(existing.email)}`)).data.items;
    expect(row).toMatchObject({ email: existing.email, name: null, accountId: null, status: 'pending', lastLoginAt: null });
    expect(JSON.stringify(row)).not.toContain('Secret Name');
  });

  it('refuses another signed-in address with 403 and a clear message; the invited address accepts; twice at once gives one membership', async () => {
    const o = await setup();
    const invited = await signUp(t);
    const other = await signUp(t);
    await o.owner.agent.post(`${o.base}/invitations`, { emails: [invited.email], groupIds: [o.group.id], role: 'manager_full' });
    const mail = await lastMail(t, invited.email);
    const wrong = await other.agent.post(`/api/v1/invitations/${mail!.token}/accept`);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.data.error.code).toBe('email_mismatch');
    expect(wrong.data.error.message).toContain(invited.email);
    const [r1, r2] = await Promise.all([
      invited.agent.post(`/api/v1/invitations/${mail!.token}/accept`),
      invited.agent.post(`/api/v1/invitations/${mail!.token}/accept`),
    ]);
    expect([r1.statusCode, r2.statusCode]).toEqual([200, 200]);
    expect([r1.data.alreadyAccepted, r2.data.alreadyAccepted].sort()).toEqual([false, true]);
    const [m] = await rows(
      sql`SELECT count(*)::int AS n, max(role) AS role FROM memberships WHERE org_id = ${o.org.id} AND account_id = ${invited.id}`,
    );
    expect(m).toEqual({ n: 1, role: 'manager_full' });
    const [g] = await rows(sql`SELECT count(*)::int AS n FROM group_members WHERE group_id = ${o.group.id} AND account_id = ${invited.id}`);
    expect(g?.n).toBe(1);
  });

  it('enrols the new member in the group’s programs, carrying over progress already made', async () => {
    const o = await setup();
    const program = await o.program('Safety');
    const s1 = await o.session(program.id);
    await o.attach(o.group.id, s1.id);
    const learner = await signUp(t);
    await o.owner.agent.post(`${o.base}/invitations`, { emails: [learner.email], groupIds: [o.group.id] });
    const mail = await lastMail(t, learner.email);
    expectStatus(await learner.agent.post(`/api/v1/invitations/${mail!.token}/accept`), 200);
    const mine = await learner.agent.get('/api/v1/me/enrolments');
    expect(mine.data.items.map((e: { sessionId?: string; session?: { id: string } }) => e.sessionId ?? e.session?.id)).toContain(s1.id);
  });

  it('declines in one click; the admin sees declined; the link then says so', async () => {
    const o = await setup();
    const email = `decline-${uid()}@example.com`;
    const inv = (await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [o.group.id] })).data.items[0];
    const mail = await lastMail(t, email);
    const a = new Agent(t.app);
    expectStatus(await a.post(`/api/v1/invitations/${mail!.token}/decline`), 200);
    expect((await o.owner.agent.get(`${o.base}/invitations/${inv.id}`)).data.status).toBe('declined');
    expect((await a.get(`/api/v1/invitations/${mail!.token}`)).data.state).toBe('declined');
    const reg = await a.post(`/api/v1/invitations/${mail!.token}/register`, { name: 'X', password: PASSWORD });
    expect(reg.data.error.code).toBe('invitation_declined');
  });

  it('an unknown token is a 404, and every action wrote an audit event', async () => {
    expect((await new Agent(t.app).get(`/api/v1/invitations/${'x'.repeat(43)}`)).statusCode).toBe(404);
    const o = await setup();
    const email = `audit-${uid()}@example.com`;
    const inv = (await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [o.group.id] })).data.items[0];
    await o.owner.agent.post(`${o.base}/invitations/${inv.id}/resend`);
    await o.owner.agent.post(`${o.base}/invitations/${inv.id}/cancel`);
    const actions = (await o.owner.agent.get(`${o.base}/audit-events`)).data.items.map((e: { action: unknown }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'invitation.resent', 'invitation.cancelled']));
  });

  it('expires only when the organization set an expiry', async () => {
    const o = await setup();
    const email = `exp-${uid()}@example.com`;
    await t.ctx.db.execute(sql`UPDATE organizations SET invitation_ttl_days = 7 WHERE id = ${o.org.id}`);
    const inv = (await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [o.group.id] })).data.items[0];
    const mail = await lastMail(t, email);
    t.clock.advance(8 * 86_400_000);
    try {
      expect((await o.owner.agent.get(`${o.base}/invitations/${inv.id}`)).data.status).toBe('expired');
      const res = await new Agent(t.app).post(`/api/v1/invitations/${mail!.token}/register`, { name: 'Late', password: PASSWORD });
      expect(res.data.error.code).toBe('invitation_expired');
    } finally {
      t.clock.advance(-8 * 86_400_000);
    }
  });
});
