import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { addMember, lastMail, signUp } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { hashToken, newToken } from '../../lib/tokens.js';
import { queryRows } from '../../lib/sql.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function setup(capacity = 50) {
  const o = await orgWithOwner(t);
  const group = await o.group(`Cohort ${uid()}`);
  const passcode = `Code-${uid()}`;
  const pc = expectStatus(
    await o.owner.agent.post(`${o.base}/passcode-invitations`, {
      name: 'Spring cohort',
      passcode,
      capacity,
      groupIds: [group.id],
      sendCopyToMe: true,
    }),
    201,
  ).data;
  return { ...o, group, passcode, pc };
}

/** Signed-in agents for `n` accounts made straight in the database (no password hashing: fast). */
async function signedInAgents(n: number): Promise<Agent[]> {
  const agents: Agent[] = [];
  for (let i = 0; i < n; i++) {
    const email = `crowd-${i}-${uid()}@example.com`;
    const raw = newToken(32);
    await t.ctx.db.execute(sql`WITH a AS (INSERT INTO accounts (email, email_key, name, verified_at) VALUES (${email}, ${email}, ${`Crowd ${i}`}, now()) RETURNING id)
      INSERT INTO sessions (id_hash, account_id, expires_at) SELECT ${hashToken(raw)}, id, now() + interval '1 day' FROM a`);
    const agent = new Agent(t.app);
    await agent.get('/healthz');
    agent.cookies.set('troupe_session', raw);
    agents.push(agent);
  }
  return agents;
}

describe('passcode invitations', () => {
  it('lets a signed-in person join the groups with the passcode, case-insensitively, once', async () => {
    const o = await setup();
    const learner = await signUp(t);
    const res = expectStatus(await learner.agent.post('/api/v1/passcodes/redeem', { passcode: o.passcode.toLowerCase() }), 200);
    expect(res.data).toMatchObject({ orgId: o.org.id, alreadyRedeemed: false, groupIds: [o.group.id] });
    const again = expectStatus(await learner.agent.post('/api/v1/passcodes/redeem', { passcode: o.passcode }), 200);
    expect(again.data.alreadyRedeemed).toBe(true);
    const pc = (await o.owner.agent.get(`${o.base}/passcode-invitations/${o.pc.id}`)).data;
    expect(pc).toMatchObject({ used: 1, capacity: 50 });
    const who = (await o.owner.agent.get(`${o.base}/passcode-invitations/${o.pc.id}/redemptions`)).data.items;
    expect(who).toEqual([expect.objectContaining({ email: learner.email, accountId: learner.id })]);
    // The audit log says who took which seat (recorded with the seat itself, once).
    const log = (await o.owner.agent.get(`${o.base}/audit-events?action=passcode.redeemed`)).data.items;
    expect(log).toEqual([expect.objectContaining({ actorEmail: learner.email, targetId: o.pc.id, data: { used: 1, capacity: 50 } })]);
    const members = (await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(learner.email)}`)).data.items;
    expect(members).toEqual([expect.objectContaining({ status: 'active', source: 'passcode' })]);
  });

  it('mails the manager a copy holding the join link and the passcode', async () => {
    const o = await setup();
    const mail = await lastMail(t, o.owner.email);
    expect(mail!.subject).toContain('Spring cohort');
    expect(mail!.text).toContain(o.passcode);
    expect(mail!.text).toContain('http://troupe.test/join/code');
  });

  it('holds the cap under concurrency: 200 redemptions of a 50-seat passcode give exactly 50 members', async () => {
    const o = await setup(50);
    const agents = await signedInAgents(200);
    const results = await Promise.all(agents.map((a) => a.post('/api/v1/passcodes/redeem', { passcode: o.passcode })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(50);
    expect(codes.filter((c) => c === 409)).toHaveLength(150);
    expect(results.find((r) => r.statusCode === 409)!.data.error.code).toBe('capacity_reached');
    const [row] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`SELECT count(*)::int AS n FROM group_members WHERE group_id = ${o.group.id}`,
    );
    expect(row?.n).toBe(50);
    expect((await o.owner.agent.get(`${o.base}/passcode-invitations/${o.pc.id}`)).data.used).toBe(50);
  });

  it('refuses a disabled passcode, and works again once re-enabled', async () => {
    const o = await setup();
    await o.owner.agent.patch(`${o.base}/passcode-invitations/${o.pc.id}`, { enabled: false });
    const learner = await signUp(t);
    const res = await learner.agent.post('/api/v1/passcodes/redeem', { passcode: o.passcode });
    expect(res.statusCode).toBe(404);
    expect(res.data.error.code).toBe('passcode_invalid');
    await o.owner.agent.patch(`${o.base}/passcode-invitations/${o.pc.id}`, { enabled: true });
    expect((await learner.agent.post('/api/v1/passcodes/redeem', { passcode: o.passcode })).statusCode).toBe(200);
  });

  it('refuses bad input with errors naming the field: spaces, emoji, short code, zero or negative cap, duplicate code', async () => {
    const o = await setup();
    const post = (body: object) =>
      o.owner.agent.post(`${o.base}/passcode-invitations`, {
        name: 'X',
        passcode: `Valid-${uid()}`,
        capacity: 10,
        groupIds: [o.group.id],
        ...body,
      });
    for (const [body, field] of [
      [{ passcode: 'with space' }, 'passcode'],
      [{ passcode: 'emoji🎉code' }, 'passcode'],
      [{ passcode: 'abc' }, 'passcode'],
      [{ capacity: 0 }, 'capacity'],
      [{ capacity: -5 }, 'capacity'],
      [{ capacity: 2.5 }, 'capacity'],
    ] as const) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(Object.keys(res.data.error.details.fields)).toContain(field);
    }
    const dup = await post({ passcode: o.passcode.toUpperCase() });
    expect(dup.statusCode).toBe(409);
    expect(dup.data.error.code).toBe('passcode_taken');
  });

  it('requires a signed-in account, and refuses a limited manager creating one', async () => {
    const o = await setup();
    expect((await new Agent(t.app).post('/api/v1/passcodes/redeem', { passcode: o.passcode })).statusCode).toBe(401);
    const limited = await addMember(t, o.org.id, 'manager_limited');
    expect(
      (
        await limited.agent.post(`${o.base}/passcode-invitations`, {
          name: 'X',
          passcode: `Other-${uid()}`,
          capacity: 5,
          groupIds: [o.group.id],
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('passcode rate limits', () => {
  it('limits attempts per account with 429 and Retry-After', async () => {
    const limited = await createTestApp({ rateLimitMax: 3 });
    try {
      const a = new Agent(limited.app);
      const raw = newToken(32);
      const email = `rl-${uid()}@example.com`;
      await limited.ctx.db.execute(sql`WITH a AS (INSERT INTO accounts (email, email_key, name, verified_at) VALUES (${email}, ${email}, 'RL', now()) RETURNING id)
        INSERT INTO sessions (id_hash, account_id, expires_at) SELECT ${hashToken(raw)}, id, now() + interval '1 day' FROM a`);
      await a.get('/healthz');
      a.cookies.set('troupe_session', raw);
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await a.post('/api/v1/passcodes/redeem', { passcode: `Guess-${i}xx` })).statusCode);
      expect(codes).toEqual([404, 404, 404, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
