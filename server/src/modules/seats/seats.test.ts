import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../../test/factories.js';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';
import { hashToken, newToken } from '../../lib/tokens.js';
import { acceptInvitation } from '../invitations/accept.service.js';
import { approveJoinRequests } from '../join-requests/join-requests.service.js';
import { redeemPasscode } from '../passcodes/passcodes.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Accounts that can be handed to services as the signed-in person (no membership). */
async function seedAccounts(n: number) {
  const prefix = `acc-${uid()}`;
  return queryRows<{ id: string; email: string; name: string; locale: string }>(
    t.ctx.db,
    sql`INSERT INTO accounts (email, email_key, name, verified_at)
        SELECT ${prefix} || '-' || i || '@example.com', ${prefix} || '-' || i || '@example.com', 'Person ' || i, now()
        FROM generate_series(1, ${n}::int) AS i RETURNING id, email, name, locale`,
  );
}

/** An open email invitation for the account, with a token to accept it. */
async function inviteToken(orgId: string, acc: { email: string }, groupIds: string[] = []) {
  const token = newToken();
  const [inv] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`INSERT INTO invitations (org_id, kind, email, email_key, status, role, group_ids, sent_at)
        VALUES (${orgId}, 'email', ${acc.email}, ${acc.email}, 'pending', 'learner', string_to_array(${groupIds.join(',')}, ',')::uuid[], now()) RETURNING id`,
  );
  await t.ctx.db.execute(sql`INSERT INTO invitation_tokens (token_hash, invitation_id) VALUES (${hashToken(token)}, ${inv?.id})`);
  return token;
}

async function passcode(o: Awaited<ReturnType<typeof orgWithOwner>>, groupId: string, capacity = 1000) {
  const code = `SEAT${uid().toUpperCase()}`;
  expectStatus(
    await o.owner.agent.post(`${o.base}/passcode-invitations`, {
      name: 'Seats',
      passcode: code,
      capacity,
      groupIds: [groupId],
      role: 'learner',
    }),
    201,
  );
  return code;
}

const activeLearners = async (orgId: string) =>
  Number(
    (
      await queryRows<{ n: number }>(
        t.ctx.db,
        sql`SELECT count(*)::int AS n FROM memberships WHERE org_id = ${orgId} AND status = 'active' AND role IN ('learner', 'guest')`,
      )
    )[0]?.n,
  );

describe('seats', () => {
  it('sets a limit on the organization and counts learners and guests, not staff', async () => {
    const o = await orgWithOwner(t);
    await seedMembers(t, o.org.id, 3, 'learner');
    await seedMembers(t, o.org.id, 1, 'guest');
    await seedMembers(t, o.org.id, 2, 'admin');
    const res = expectStatus(await o.owner.agent.patch(o.base, { seatLimit: 10 }), 200);
    expect(res.data).toMatchObject({ seatLimit: 10, seatsUsed: 4 });
    expect(expectStatus(await o.owner.agent.get(o.base), 200).data).toMatchObject({ seatLimit: 10, seatsUsed: 4 });
    expect(expectStatus(await o.owner.agent.patch(o.base, { seatLimit: null }), 200).data).toMatchObject({ seatLimit: null, seatsUsed: 4 });
    expectStatus(await o.owner.agent.patch(o.base, { seatLimit: -1 }), 422);
  });

  it('refuses a passcode or an invitation when the organization is full (409 seats_full, in French too); archiving frees a seat', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Crew');
    const code = await passcode(o, g.id);
    const [a, b, c] = await seedAccounts(3);
    expectStatus(await o.owner.agent.patch(o.base, { seatLimit: 1 }), 200);
    await redeemPasscode(t.ctx, { account: a!, passcode: code });
    await expect(redeemPasscode(t.ctx, { account: b!, passcode: code })).rejects.toMatchObject({ status: 409, code: 'seats_full' });
    const token = await inviteToken(o.org.id, c!);
    await expect(acceptInvitation(t.ctx, { token, account: c! })).rejects.toMatchObject({ code: 'seats_full' });
    // Archiving frees the seat: the next person gets in; restoring the first is then refused.
    expectStatus(await o.owner.agent.post(`${o.base}/members/${a!.id}/archive`), 200);
    await redeemPasscode(t.ctx, { account: b!, passcode: code });
    await t.ctx.db.execute(sql`UPDATE accounts SET locale = 'fr' WHERE id = ${o.owner.id}`);
    const restore = await o.owner.agent.post(`${o.base}/members/${a!.id}/restore`);
    expect(restore.statusCode).toBe(409);
    expect(restore.data.error.code).toBe('seats_full');
    expect(restore.data.error.message).toMatch(/plus de place libre/);
    expect(await activeLearners(o.org.id)).toBe(1);
    // Staff take no seat: an admin invitation is accepted while full.
    expect(expectStatus(await o.owner.agent.get(o.base), 200).data).toMatchObject({ seatLimit: 1, seatsUsed: 1 });
  });

  it('limits a group too; the group page shows its seats', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Small');
    const res = expectStatus(await o.owner.agent.patch(`${o.base}/groups/${g.id}`, { seatLimit: 2 }), 200);
    expect(res.data).toMatchObject({ seatLimit: 2, seatsUsed: 0, name: 'Small' });
    const ids = await seedMembers(t, o.org.id, 3, 'learner');
    const full = await o.owner.agent.post(`${o.base}/groups/${g.id}/members`, { accountIds: ids });
    expect(full.statusCode).toBe(409);
    expect(full.data.error.code).toBe('seats_full');
    await o.addToGroup(g.id, ids.slice(0, 2));
    expect(expectStatus(await o.owner.agent.get(`${o.base}/groups/${g.id}`), 200).data).toMatchObject({ seatLimit: 2, seatsUsed: 2 });
    const code = await passcode(o, g.id);
    const [x] = await seedAccounts(1);
    await expect(redeemPasscode(t.ctx, { account: x!, passcode: code })).rejects.toMatchObject({ code: 'seats_full' });
  });

  it('emails owners once at 90 % and once at 100 %', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Ten');
    const code = await passcode(o, g.id);
    await seedMembers(t, o.org.id, 8, 'learner');
    expectStatus(await o.owner.agent.patch(o.base, { seatLimit: 10 }), 200);
    const subjects = async () => {
      await t.drain();
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(o.owner.email)}` });
      return (res.json().items as { subject: string }[]).map((m) => m.subject).filter((s) => s.includes('seats'));
    };
    expect(await subjects()).toEqual([]);
    const [p1, p2] = await seedAccounts(2);
    await redeemPasscode(t.ctx, { account: p1!, passcode: code });
    expect(await subjects()).toEqual([`${o.org.name}: 90 % of seats used`]);
    await redeemPasscode(t.ctx, { account: p2!, passcode: code });
    expect((await subjects()).length).toBe(2);
    expect((await lastMail(t, o.owner.email))?.subject).toBe(`${o.org.name}: 100 % of seats used`);
  });
});

// Real concurrency needs several connections: PostgreSQL only.
describe.skipIf(!process.env.DATABASE_URL)('seats under concurrency (PostgreSQL)', () => {
  it('200 concurrent acceptances, passcode redemptions and join approvals against 50 free seats give exactly 50 members', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Rush');
    await seedMembers(t, o.org.id, 10, 'learner');
    expectStatus(await o.owner.agent.patch(o.base, { seatLimit: 60 }), 200);
    const codes = [await passcode(o, g.id), await passcode(o, g.id)];
    const people = await seedAccounts(200);
    const tokens = await Promise.all(people.slice(0, 70).map((p) => inviteToken(o.org.id, p, [g.id])));
    const requests = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`INSERT INTO join_requests (org_id, account_id, email, email_key, group_id, source)
          SELECT ${o.org.id}, a.id, a.email, a.email_key, ${g.id}, 'join_page' FROM accounts a
          WHERE a.id = ANY(string_to_array(${people
            .slice(140)
            .map((p) => p.id)
            .join(',')}, ',')::uuid[]) RETURNING id`,
    );
    const actor = { id: o.owner.id, email: o.owner.email, name: 'Owner', locale: 'en' };
    const attempts = people.map((p, i) =>
      i < 70
        ? acceptInvitation(t.ctx, { token: tokens[i] as string, account: p })
        : i < 140
          ? redeemPasscode(t.ctx, { account: p, passcode: codes[i % 2] as string })
          : approveJoinRequests(t.ctx, { orgId: o.org.id, actor, requestIds: [requests[i - 140]!.id] }),
    );
    const results = await Promise.allSettled(attempts);
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason?.code);
    expect(ok).toBe(50);
    expect(new Set(refused)).toEqual(new Set(['seats_full']));
    expect(await activeLearners(o.org.id)).toBe(60);
  }, 120_000);
});
