import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { addMember, lastMail, PASSWORD } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signIn = async (email: string) => {
  const agent = new Agent(t.app);
  const res = await agent.post('/api/v1/auth/login', { email, password: PASSWORD });
  return { agent, status: res.statusCode };
};
const emailOf = async (accountId: string) =>
  (await queryRows<{ email: string }>(t.ctx.db, sql`SELECT email FROM accounts WHERE id = ${accountId}`))[0]?.email;
const mailCount = async (to: string) => {
  await t.drain();
  return (await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(to)}` })).json().items.length as number;
};

describe('an admin changes a member’s email address', () => {
  it('keeps the old address until the new one is confirmed, then moves, ends other sessions and audits both', async () => {
    const o = await orgWithOwner(t);
    const learner = await addMember(t, o.org.id, 'learner', { email: `old-${uid()}@example.com` });
    const laptop = await signIn(learner.email);
    const next = `New.${uid()}@Example.com`;

    const res = expectStatus(await o.owner.agent.post(`${o.base}/members/${learner.id}/change-email`, { email: next }), 202);
    const stored = next.replace('Example.com', 'example.com');
    expect(res.data).toMatchObject({ status: 'verification_sent', email: stored });

    const link = await lastMail(t, stored);
    expect(link?.subject).toBe('Confirm your new email address');
    expect(link?.link).toMatch(/^http:\/\/troupe\.test\/confirm-email\?token=[\w-]{40,}$/);
    expect(link?.text).toContain(learner.email);
    const notice = await lastMail(t, learner.email);
    expect(notice?.subject).toBe('A change of your Troupe email address was requested');
    expect(notice?.text).toContain(stored);
    expect(notice?.link).toBeNull(); // the old address gets no link that could confirm anything

    // Until confirmation: the old address signs in, the new one does not, the token is not in the database.
    expect((await signIn(learner.email)).status).toBe(200);
    expect((await signIn(stored)).status).toBe(401);
    expect(await emailOf(learner.id)).toBe(learner.email);
    const hashes = await queryRows<{ token_hash: string }>(
      t.ctx.db,
      sql`SELECT token_hash FROM email_changes WHERE account_id = ${learner.id}`,
    );
    expect(hashes.map((h) => h.token_hash)).not.toContain(link!.token);
    expect((await laptop.agent.get('/api/v1/me')).statusCode).toBe(200);
    expect(link?.text).toContain('when asked'); // an account the person owns: they confirm signed in

    // The learner accepted an invitation (the account is theirs): holding the new mailbox is not enough.
    const anonymous = await new Agent(t.app).post('/api/v1/auth/confirm-email-change', { token: link!.token });
    expect(anonymous.statusCode).toBe(403);
    expect(anonymous.data.error.code).toBe('sign_in_to_confirm');
    expect(await emailOf(learner.id)).toBe(learner.email);

    expectStatus(await learner.agent.post('/api/v1/auth/confirm-email-change', { token: link!.token }), 200);
    expect(await emailOf(learner.id)).toBe(stored);
    expect((await learner.agent.get('/api/v1/me')).data.account.email).toBe(stored);
    expect((await laptop.agent.get('/api/v1/me')).statusCode).toBe(401);
    expect((await signIn(learner.email)).status).toBe(401);
    expect((await signIn(stored.toLowerCase())).status).toBe(200);

    const again = await new Agent(t.app).post('/api/v1/auth/confirm-email-change', { token: link!.token });
    expect(again.statusCode).toBe(400);
    expect(again.data.error.code).toBe('invalid_token');

    const audit = (await o.owner.agent.get(`${o.base}/audit-events`)).data.items as { action: string; data: Record<string, unknown> }[];
    expect(audit.find((e) => e.action === 'account.email_changed')?.data).toMatchObject({ from: learner.email, to: stored });
    expect(audit.find((e) => e.action === 'account.email_change_requested')?.data).toMatchObject({ from: learner.email, to: stored });
  });

  it('changes a managed account’s address too; an older link stops working when a newer one is sent', async () => {
    const o = await orgWithOwner(t);
    const email = `managed-${uid()}@example.com`;
    const created = expectStatus(await o.owner.agent.post(`${o.base}/members`, { email, name: 'Managed', password: PASSWORD }), 201).data;
    const first = `first-${uid()}@example.com`;
    const second = `second-${uid()}@example.com`;
    expectStatus(await o.owner.agent.post(`${o.base}/members/${created.accountId}/change-email`, { email: first }), 202);
    expectStatus(await o.owner.agent.post(`${o.base}/members/${created.accountId}/change-email`, { email: second }), 202);
    const old = await new Agent(t.app).post('/api/v1/auth/confirm-email-change', { token: (await lastMail(t, first))!.token });
    expect(old.data.error.code).toBe('invalid_token');
    expect(await emailOf(created.accountId)).toBe(email);
    // The organization created the account and it belongs nowhere else: the link alone confirms.
    expectStatus(await new Agent(t.app).post('/api/v1/auth/confirm-email-change', { token: (await lastMail(t, second))!.token }), 200);
    expect(await emailOf(created.accountId)).toBe(second);
  });

  it('asks for the person’s session when a managed account also belongs to another organization', async () => {
    const o = await orgWithOwner(t);
    const email = `shared-${uid()}@example.com`;
    const created = expectStatus(await o.owner.agent.post(`${o.base}/members`, { email, name: 'Shared', password: PASSWORD }), 201).data;
    const other = await orgWithOwner(t);
    await t.ctx.db.execute(
      sql`INSERT INTO memberships (org_id, account_id, role, status) VALUES (${other.org.id}, ${created.accountId}, 'owner', 'active')`,
    );
    const next = `admin-owned-${uid()}@example.com`;
    expectStatus(await o.owner.agent.post(`${o.base}/members/${created.accountId}/change-email`, { email: next }), 202);
    const token = (await lastMail(t, next))!.token;
    const refused = await o.owner.agent.post('/api/v1/auth/confirm-email-change', { token });
    expect(refused.statusCode).toBe(403);
    expect(refused.data.error.code).toBe('sign_in_to_confirm');
    expect(await emailOf(created.accountId)).toBe(email);
    const person = await signIn(email);
    expectStatus(await person.agent.post('/api/v1/auth/confirm-email-change', { token }), 200);
    expect(await emailOf(created.accountId)).toBe(next);
  });

  it('refuses an address another account holds without saying so: same answer, no link, nothing changes', async () => {
    const o = await orgWithOwner(t);
    const learner = await addMember(t, o.org.id, 'learner');
    const other = await addMember(t, o.org.id, 'learner'); // the holder may even be in the same organization
    const free = `free-${uid()}@example.com`;
    const taken = expectStatus(await o.owner.agent.post(`${o.base}/members/${learner.id}/change-email`, { email: other.email }), 202);
    const ok = expectStatus(await o.owner.agent.post(`${o.base}/members/${learner.id}/change-email`, { email: free }), 202);
    expect(Object.keys(taken.data).sort()).toEqual(Object.keys(ok.data).sort());
    expect(taken.data.status).toBe(ok.data.status);

    const toHolder = await lastMail(t, other.email);
    expect(toHolder?.subject).toBe('Your address was proposed for another Troupe account');
    expect(toHolder?.text).not.toContain('/confirm-email');
    expect(toHolder?.text).not.toContain(learner.email);
    expect(await emailOf(learner.id)).toBe(learner.email);
    expect((await signIn(other.email)).status).toBe(200);
  });

  it('refuses the confirmation when another account took the address in the meantime', async () => {
    const o = await orgWithOwner(t);
    const a = await addMember(t, o.org.id, 'learner');
    const b = await addMember(t, o.org.id, 'learner');
    const wanted = `wanted-${uid()}@example.com`;
    expectStatus(await o.owner.agent.post(`${o.base}/members/${a.id}/change-email`, { email: wanted }), 202);
    const linkA = (await lastMail(t, wanted))!.token;
    expectStatus(await o.owner.agent.post(`${o.base}/members/${b.id}/change-email`, { email: wanted }), 202);
    const linkB = (await lastMail(t, wanted))!.token;
    expect(linkB).not.toBe(linkA);
    expectStatus(await b.agent.post('/api/v1/auth/confirm-email-change', { token: linkB }), 200);
    const late = await a.agent.post('/api/v1/auth/confirm-email-change', { token: linkA });
    expect(late.statusCode).toBe(409);
    expect(late.data.error.code).toBe('email_taken');
    expect(await emailOf(a.id)).toBe(a.email);
    // Nothing half-written: the refused link can still be tried again (and is refused again).
    expect((await a.agent.post('/api/v1/auth/confirm-email-change', { token: linkA })).statusCode).toBe(409);
  });

  it('follows the permission model: below one’s own rank only; another organization’s member is a 404', async () => {
    const o = await orgWithOwner(t);
    const admin = await addMember(t, o.org.id, 'admin');
    const manager = await addMember(t, o.org.id, 'manager_full');
    const limited = await addMember(t, o.org.id, 'manager_limited');
    const learner = await addMember(t, o.org.id, 'learner');
    const body = () => ({ email: `x-${uid()}@example.com` });
    const url = (id: string) => `${o.base}/members/${id}/change-email`;

    const refused = await manager.agent.post(url(admin.id), body());
    expect(refused.statusCode).toBe(403);
    expect(refused.data.error.message).toContain('manager_full');
    expect((await manager.agent.post(url(manager.id), body())).statusCode).toBe(403);
    expect((await admin.agent.post(url(admin.id), body())).statusCode).toBe(403); // an equal: use /me/change-email
    expect((await limited.agent.post(url(learner.id), body())).statusCode).toBe(403);
    expect((await learner.agent.post(url(limited.id), body())).statusCode).toBe(403);
    expectStatus(await manager.agent.post(url(learner.id), body()), 202);
    expectStatus(await admin.agent.post(url(manager.id), body()), 202);
    expectStatus(await o.owner.agent.post(url(admin.id), body()), 202);

    const other = await orgWithOwner(t);
    const stranger = await addMember(t, other.org.id, 'learner');
    const foreign = await o.owner.agent.post(url(stranger.id), body());
    expect(foreign.statusCode).toBe(404);
    expect((await o.owner.agent.post(url('00000000-0000-4000-8000-000000000000'), body())).statusCode).toBe(404);
    expect(await emailOf(stranger.id)).toBe(stranger.email);
    await manager.agent.patch('/api/v1/me', { locale: 'fr' });
    const fr = await manager.agent.post(url(admin.id), body());
    expect(fr.data.error.message).toBe('Votre rôle (manager_full) ne permet pas de changer l’adresse d’un membre dont le rôle est admin.');
  });

  it('rejects bad addresses with 422 and writes nothing: control character, same address, array, unknown field', async () => {
    const o = await orgWithOwner(t);
    const learner = await addMember(t, o.org.id, 'learner');
    const url = `${o.base}/members/${learner.id}/change-email`;
    const before = await mailCount(learner.email);
    for (const email of [`bad\u0007-${uid()}@example.com`, `line-${uid()}@example.com\r\nBcc: x@evil.com`, 'not-an-address']) {
      const res = await o.owner.agent.post(url, { email });
      expect(res.statusCode).toBe(422);
      expect(res.data.error.details.fields.email).toBeTruthy();
    }
    const same = await o.owner.agent.post(url, { email: learner.email.toUpperCase().replace('@EXAMPLE.COM', '@example.com') });
    expect(same.statusCode).toBe(422);
    expect(same.data.error.code).toBe('same_email');
    await o.owner.agent.patch('/api/v1/me', { locale: 'fr' });
    const sameFr = await o.owner.agent.post(url, { email: learner.email });
    expect(sameFr.data.error.message).toBe('C’est déjà l’adresse de ce compte.');
    expect(sameFr.data.error.details.fields.email).toBe('C’est déjà l’adresse de ce compte.');
    await o.owner.agent.patch('/api/v1/me', { locale: 'en' });
    expect((await o.owner.agent.post(url, { email: ['a@example.com', 'b@example.com'] })).statusCode).toBe(422);
    expect((await o.owner.agent.post(url, { email: `y-${uid()}@example.com`, accountId: learner.id })).statusCode).toBe(422);
    expect(await mailCount(learner.email)).toBe(before);
    const rows = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`SELECT count(*)::int AS n FROM email_changes WHERE account_id = ${learner.id}`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('refuses an expired link with its own code', async () => {
    const o = await orgWithOwner(t);
    const learner = await addMember(t, o.org.id, 'learner');
    const next = `late-${uid()}@example.com`;
    expectStatus(await o.owner.agent.post(`${o.base}/members/${learner.id}/change-email`, { email: next }), 202);
    const token = (await lastMail(t, next))!.token;
    t.clock.advance(25 * 3600_000);
    try {
      const res = await new Agent(t.app).post('/api/v1/auth/confirm-email-change', { token });
      expect(res.statusCode).toBe(400);
      expect(res.data.error.code).toBe('token_expired');
    } finally {
      t.clock.advance(-25 * 3600_000);
    }
    expect(await emailOf(learner.id)).toBe(learner.email);
  });
});

describe('a person changes their own address', () => {
  it('shows the change as pending, keeps the session that confirms and ends the others', async () => {
    const o = await orgWithOwner(t);
    const me = await addMember(t, o.org.id, 'learner');
    const phone = await signIn(me.email);
    const next = `mine-${uid()}@example.com`;
    expectStatus(await me.agent.post('/api/v1/me/change-email', { email: next }), 202);
    expect((await me.agent.get('/api/v1/me/email-change')).data.pending).toMatchObject({ newEmail: next });
    expect((await lastMail(t, me.email))?.text).toContain('You asked to change');

    expectStatus(await me.agent.post('/api/v1/auth/confirm-email-change', { token: (await lastMail(t, next))!.token }), 200);
    expect((await me.agent.get('/api/v1/me')).data.account.email).toBe(next);
    expect((await me.agent.get('/api/v1/me/email-change')).data.pending).toBeNull();
    expect((await phone.agent.get('/api/v1/me')).statusCode).toBe(401);
    const audit = (await o.owner.agent.get(`${o.base}/audit-events`)).data.items as { action: string; data: Record<string, unknown> }[];
    expect(audit.find((e) => e.action === 'account.email_changed')?.data).toMatchObject({ from: me.email, to: next });
  });

  it('needs a session, and the French reader gets French mail', async () => {
    expect((await new Agent(t.app).post('/api/v1/me/change-email', { email: `x-${uid()}@example.com` })).statusCode).toBe(401);
    const o = await orgWithOwner(t);
    const me = await addMember(t, o.org.id, 'learner');
    await me.agent.patch('/api/v1/me', { locale: 'fr' });
    const next = `fr-${uid()}@example.com`;
    expectStatus(await me.agent.post('/api/v1/me/change-email', { email: next }), 202);
    expect((await lastMail(t, next))?.subject).toBe('Confirmez votre nouvelle adresse e-mail');
    expect((await lastMail(t, me.email))?.subject).toBe('Une modification de votre adresse e-mail Troupe a été demandée');
  });
});
