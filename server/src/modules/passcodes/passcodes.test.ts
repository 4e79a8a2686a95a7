import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { addMember, lastMail, signUp } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { Webhook } from 'standardwebhooks';
import { drainUntil, startReceiver } from '../../../test/webhook-receiver.js';
import { hashToken, newToken } from '../../lib/tokens.js';
import { queryRows } from '../../lib/sql.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.ctx.config.webhooks.allowPrivate = true;
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
    // And in the passcode's group (sent with the seat and the COMMIT: nothing limits or listens here).
    const inGroup = (await o.owner.agent.get(`${o.base}/members?groupId=${o.group.id}`)).data.items;
    expect(inGroup).toEqual([expect.objectContaining({ accountId: learner.id })]);
  });

  it('mails the manager a copy holding the join link and the passcode', async () => {
    const o = await setup();
    const mail = await lastMail(t, o.owner.email);
    expect(mail!.subject).toContain('Spring cohort');
    expect(mail!.text).toContain(o.passcode);
    expect(mail!.text).toContain('http://troupe.test/join/code');
  });

  it('tells the endpoints listening who joined, their enrolments and when the last seat is taken; a refused redeemer leaves nothing', async () => {
    const o = await setup(2);
    const session = await o.session((await o.program()).id);
    await o.attach(o.group.id, session.id);
    const rx = await startReceiver();
    try {
      const events = ['member.joined', 'enrolment.created', 'passcode.capacity_reached'];
      const ep = expectStatus(await o.owner.agent.post(`${o.base}/webhooks`, { url: rx.url, events }), 201).data;
      const [a, b, late] = await signedInAgents(3);
      expectStatus(await a!.post('/api/v1/passcodes/redeem', { passcode: o.passcode }), 200);
      await drainUntil(t.drain, () => rx.received.length >= 2);
      expectStatus(await b!.post('/api/v1/passcodes/redeem', { passcode: o.passcode }), 200);
      await drainUntil(t.drain, () => rx.received.length >= 5);
      const refused = await late!.post('/api/v1/passcodes/redeem', { passcode: o.passcode });
      expect(refused.statusCode).toBe(409);
      expect(refused.data.error.code).toBe('capacity_reached');
      await t.drain();
      const got = rx.received.map(
        (r) => new Webhook(ep.secret).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> },
      );
      expect(got.map((p) => p.type)).toEqual([
        'member.joined',
        'enrolment.created',
        'member.joined',
        'enrolment.created',
        'passcode.capacity_reached',
      ]);
      expect(got[0]!.data).toMatchObject({ source: 'passcode', groupIds: [o.group.id] });
      expect(got[1]!.data).toMatchObject({ count: 1, items: [expect.objectContaining({ sessionId: session.id })] });
      expect(got[4]!.data).toEqual({ passcodeId: o.pc.id, capacity: 2 });
      // The two who got in are in the group and enrolled; the third is in nothing.
      const [row] = await queryRows<{ members: number; enrolled: number; used: number }>(
        t.ctx.db,
        sql`SELECT (SELECT count(*)::int FROM group_members WHERE group_id = ${o.group.id}) AS members,
                   (SELECT count(*)::int FROM enrolments WHERE session_id = ${session.id}) AS enrolled,
                   (SELECT used FROM passcodes WHERE id = ${o.pc.id}) AS used`,
      );
      expect(row).toEqual({ members: 2, enrolled: 2, used: 2 });
    } finally {
      await rx.close();
    }
  });

  it('sends the events of an organization that gets its first endpoint after earlier redemptions', async () => {
    const o = await setup(10);
    const agents = await signedInAgents(6);
    for (const a of agents.slice(0, 3)) expectStatus(await a.post('/api/v1/passcodes/redeem', { passcode: o.passcode }), 200);
    const rx = await startReceiver();
    try {
      expectStatus(await o.owner.agent.post(`${o.base}/webhooks`, { url: rx.url, events: ['member.joined'] }), 201);
      for (const a of agents.slice(3)) expectStatus(await a.post('/api/v1/passcodes/redeem', { passcode: o.passcode }), 200);
      await drainUntil(t.drain, () => rx.received.length >= 3);
      await t.drain();
      expect(rx.received).toHaveLength(3);
    } finally {
      await rx.close();
    }
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
  /** A signed-in account (raw session id) seeded directly. */
  async function session(app: TestApp): Promise<string> {
    const raw = newToken(32);
    const email = `rl-${uid()}@example.com`;
    await app.ctx.db.execute(sql`WITH a AS (INSERT INTO accounts (email, email_key, name, verified_at) VALUES (${email}, ${email}, 'RL', now()) RETURNING id)
      INSERT INTO sessions (id_hash, account_id, expires_at) SELECT ${hashToken(raw)}, id, now() + interval '1 day' FROM a`);
    return raw;
  }
  /** One guess from `from`, signed in with the session `raw`. */
  async function guess(app: TestApp, raw: string, from: string) {
    const browser = new Agent(app.app);
    await browser.get('/healthz');
    const csrf = browser.cookies.get('csrf_token')!;
    return app.app.inject({
      method: 'POST',
      url: '/api/v1/passcodes/redeem',
      remoteAddress: from,
      cookies: { troupe_session: raw, csrf_token: csrf },
      headers: { 'x-csrf-token': csrf },
      payload: { passcode: `Guess-${uid()}` },
    });
  }

  it('limits attempts per account with 429 and Retry-After', async () => {
    const limited = await createTestApp({ rateLimitMax: 3 });
    try {
      const a = new Agent(limited.app);
      await a.get('/healthz');
      a.cookies.set('troupe_session', await session(limited));
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await a.post('/api/v1/passcodes/redeem', { passcode: `Guess-${i}xx` })).statusCode);
      expect(codes).toEqual([404, 404, 404, 429, 429]);
      const refused = await a.post('/api/v1/passcodes/redeem', { passcode: 'Guess-again' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.data.error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('counts an account across addresses, and an address across accounts', async () => {
    const limited = await createTestApp({ rateLimitMax: 3 });
    try {
      // One account guessing from a new address each time: the account's count refuses the 4th.
      const roaming = await session(limited);
      const fromMany: number[] = [];
      for (let i = 0; i < 5; i++) fromMany.push((await guess(limited, roaming, `198.51.100.${i + 1}`)).statusCode);
      expect(fromMany).toEqual([404, 404, 404, 429, 429]);
      // A new account from one address: the address's count refuses the 4th, whoever is signed in.
      const fromOne: number[] = [];
      for (let i = 0; i < 5; i++) fromOne.push((await guess(limited, await session(limited), '203.0.113.9')).statusCode);
      expect(fromOne).toEqual([404, 404, 404, 429, 429]);
      // Another account from another address still has its attempts.
      expect((await guess(limited, await session(limited), '203.0.113.10')).statusCode).toBe(404);
    } finally {
      await limited.close();
    }
  });
});
