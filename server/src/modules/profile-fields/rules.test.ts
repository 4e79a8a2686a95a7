import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { membersOf, populated, preview, setFields, sorted } from './rules.fixtures.js';
import { ruleSettings } from './rules.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('membership rules', () => {
  it('evaluates every operator, with all and any', async () => {
    const { o, a, b, c, d, e } = await populated(t);
    const g = await o.group('Rules');
    const matchOf = async (conditions: object[], match = 'all') =>
      sorted((await preview(o, g.id, { match, conditions })).sampleAdd.map((p) => p.accountId));
    ruleSettings.sample = 50;
    expect(await matchOf([{ field: 'department', op: 'eq', value: 'SALES' }])).toEqual(sorted([a, b]));
    expect(await matchOf([{ field: 'department', op: 'in', value: ['Support', 'Engineering'] }])).toEqual(sorted([c, d]));
    expect(await matchOf([{ field: 'city', op: 'contains', value: 'yon' }])).toEqual(sorted([a, b]));
    expect(await matchOf([{ field: 'city', op: 'starts_with', value: 'vill' }])).toEqual([d]);
    expect(await matchOf([{ field: 'start', op: 'before', value: '2026-01-10' }])).toEqual([c]);
    expect(await matchOf([{ field: 'start', op: 'after', value: '2026-01-09' }])).toEqual(sorted([a, b]));
    expect(await matchOf([{ field: 'level', op: 'after', value: 2 }])).toEqual(sorted([a, b]));
    expect(await matchOf([{ field: 'skills', op: 'contains', value: 'excel' }])).toEqual([b]);
    expect(await matchOf([{ field: 'skills', op: 'in', value: ['French', 'German'] }])).toEqual(sorted([a, b]));
    expect(await matchOf([{ field: 'remote', op: 'eq', value: true }])).toEqual([a]);
    expect(await matchOf([{ field: 'department', op: 'empty' }])).toContain(e);
    expect(await matchOf([{ field: 'start', op: 'empty', value: false }])).toEqual(sorted([a, b, c]));
    expect(await matchOf([{ field: 'email_domain', op: 'eq', value: 'acme.com' }])).toEqual(sorted([a, d]));
    expect(
      await matchOf([
        { field: 'joined_at', op: 'after', value: '2000-01-01' },
        { field: 'role', op: 'eq', value: 'learner' },
      ]),
    ).toEqual(sorted([a, b, c, d, e]));
    expect(
      await matchOf([
        { field: 'source', op: 'eq', value: 'manual' },
        { field: 'city', op: 'eq', value: 'Paris' },
      ]),
    ).toEqual([c]);
    // all vs any
    const both = [
      { field: 'department', op: 'eq', value: 'Sales' },
      { field: 'city', op: 'eq', value: 'Lyon' },
    ];
    expect(await matchOf(both, 'all')).toEqual([a]);
    expect(
      await matchOf(
        [
          { field: 'department', op: 'eq', value: 'Support' },
          { field: 'city', op: 'eq', value: 'Lyon' },
        ],
        'any',
      ),
    ).toEqual(sorted([a, c]));
    // A rule matching everyone says so; a misspelt option is refused with a suggestion.
    expect(
      (await preview(o, g.id, { match: 'all', conditions: [{ field: 'role', op: 'in', value: ['owner', 'learner'] }] })).matchesEveryone,
    ).toBe(true);
    const bad = await o.owner.agent.post(`${o.base}/groups/${g.id}/rule/preview`, {
      match: 'all',
      conditions: [{ field: 'department', op: 'eq', value: 'Suport' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.message).toContain('Did you mean “Support”?');
    const badOp = await o.owner.agent.post(`${o.base}/groups/${g.id}/rule/preview`, {
      match: 'all',
      conditions: [{ field: 'city', op: 'before', value: 'x' }],
    });
    expect(badOp.statusCode).toBe(422);
    ruleSettings.sample = 5;
  });

  it('saving applies at once; exceptions hold; DELETE makes the group manual again', async () => {
    const { o, a, b, c } = await populated(t);
    const g = await o.group('Sales people');
    const rule = { match: 'all', conditions: [{ field: 'department', op: 'eq', value: 'Sales' }] };
    expect(await preview(o, g.id, rule)).toMatchObject({ add: 2, remove: 0, matchesEveryone: false });
    const saved = expectStatus(await o.owner.agent.put(`${o.base}/groups/${g.id}/rule`, rule), 200);
    expect(saved.data).toMatchObject({ mode: 'rule', broken: null, run: { status: 'done', added: 2, removed: 0 } });
    expect(await membersOf(t, g.id)).toEqual(sorted([a, b]));
    const ex = expectStatus(await o.owner.agent.put(`${o.base}/groups/${g.id}/rule/exceptions`, { always: [c], never: [b] }), 200);
    expect(ex.data.exceptions.always.map((p: { accountId: string }) => p.accountId)).toEqual([c]);
    expect(await membersOf(t, g.id)).toEqual(sorted([a, c]));
    // A never-in person whose field changes stays out; an always-in one stays in.
    await setFields(o, c, { department: 'Engineering' });
    await setFields(o, b, { department: 'Sales', city: 'Nice' });
    expect(await membersOf(t, g.id)).toEqual(sorted([a, c]));
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${g.id}/rule`), 204);
    expect((await o.owner.agent.get(`${o.base}/groups/${g.id}/rule`)).data).toMatchObject({ mode: 'manual', rule: null });
    await setFields(o, a, { department: 'Support' });
    expect(await membersOf(t, g.id)).toEqual(sorted([a, c]));
  });

  it('a field change moves a person between two rule groups: programs follow, started training stays', async () => {
    const { o, a } = await populated(t);
    const sales = await o.group('Sales');
    const support = await o.group('Support');
    const p1 = await o.program('Selling');
    const s1 = await o.session(p1.id);
    const p2 = await o.program('Helping');
    const s2 = await o.session(p2.id);
    await o.attach(sales.id, s1.id);
    await o.attach(support.id, s2.id);
    for (const [g, v] of [
      [sales, 'Sales'],
      [support, 'Support'],
    ] as const)
      expectStatus(
        await o.owner.agent.put(`${o.base}/groups/${g.id}/rule`, {
          match: 'all',
          conditions: [{ field: 'department', op: 'eq', value: v }],
        }),
        200,
      );
    expect((await membersOf(t, sales.id)).includes(a)).toBe(true);
    let enrolments = await o.enrolments();
    expect(enrolments.get(`${a}:${s1.id}`)).toBe(0);
    await t.ctx.db.execute(sql`UPDATE enrolments SET percent = 40, started_at = now() WHERE account_id = ${a} AND session_id = ${s1.id}`);
    await setFields(o, a, { department: 'Support' });
    expect((await membersOf(t, sales.id)).includes(a)).toBe(false);
    expect((await membersOf(t, support.id)).includes(a)).toBe(true);
    enrolments = await o.enrolments();
    expect(enrolments.get(`${a}:${s1.id}`)).toBe(40);
    expect(enrolments.get(`${a}:${s2.id}`)).toBe(0);
  });

  it('a role change and a new member re-evaluate the rules that read them', async () => {
    const { o, c } = await populated(t);
    const g = await o.group('Guests');
    expectStatus(
      await o.owner.agent.put(`${o.base}/groups/${g.id}/rule`, { match: 'any', conditions: [{ field: 'role', op: 'eq', value: 'guest' }] }),
      200,
    );
    expect(await membersOf(t, g.id)).toEqual([]);
    expectStatus(await o.owner.agent.patch(`${o.base}/members/${c}`, { role: 'guest' }), 200);
    expect(await membersOf(t, g.id)).toEqual([c]);
    const created = expectStatus(
      await o.owner.agent.post(`${o.base}/members`, { email: `new-${Date.now()}@example.com`, name: 'New', role: 'guest' }),
      201,
    );
    expect(await membersOf(t, g.id)).toEqual(sorted([c, created.data.accountId]));
  });

  it('deleting a field a rule uses marks the group broken: it stops changing, the admins are told', async () => {
    const { o, a, b } = await populated(t);
    const g = await o.group('Lyon');
    const fields = (await o.owner.agent.get(`${o.base}/profile-fields`)).data.items as { id: string; key: string; usedByGroups: number }[];
    expectStatus(
      await o.owner.agent.put(`${o.base}/groups/${g.id}/rule`, {
        match: 'all',
        conditions: [{ field: 'city', op: 'starts_with', value: 'lyon' }],
      }),
      200,
    );
    const city = fields.find((f) => f.key === 'city');
    expect(
      (await o.owner.agent.get(`${o.base}/profile-fields`)).data.items.find((f: { key: string }) => f.key === 'city').usedByGroups,
    ).toBe(1);
    const del = expectStatus(await o.owner.agent.delete(`${o.base}/profile-fields/${city?.id}`), 200);
    expect(del.data.brokenGroups).toEqual([{ groupId: g.id, name: 'Lyon' }]);
    const rule = expectStatus(await o.owner.agent.get(`${o.base}/groups/${g.id}/rule`), 200);
    expect(rule.data.broken).toMatchObject({ field: 'city' });
    expect(await membersOf(t, g.id)).toEqual(sorted([a, b]));
    const audit = await o.owner.agent.get(`${o.base}/audit-events?limit=20`);
    expect(audit.data.items.map((e: { action: string }) => e.action)).toContain('group.rule_broken');
    // Saving a rule again repairs the group.
    expectStatus(
      await o.owner.agent.put(`${o.base}/groups/${g.id}/rule`, {
        match: 'all',
        conditions: [{ field: 'department', op: 'eq', value: 'Sales' }],
      }),
      200,
    );
    expect((await o.owner.agent.get(`${o.base}/groups/${g.id}/rule`)).data.broken).toBeNull();
  });

  it('a large organization is filled by a background job, idempotent, with its progress', async () => {
    const { o, a, b } = await populated(t);
    const g = await o.group('Big');
    ruleSettings.jobAbove = 2;
    try {
      const saved = expectStatus(
        await o.owner.agent.put(`${o.base}/groups/${g.id}/rule`, {
          match: 'all',
          conditions: [{ field: 'department', op: 'eq', value: 'Sales' }],
        }),
        200,
      );
      expect(saved.data.run.status).toBe('queued');
      expect(await membersOf(t, g.id)).toEqual([]);
      await t.drain();
      expect(await membersOf(t, g.id)).toEqual(sorted([a, b]));
      expect((await o.owner.agent.get(`${o.base}/groups/${g.id}/rule`)).data.run).toEqual({ status: 'done', added: 2, removed: 0 });
      // Running it again changes nothing.
      await t.ctx.jobs.send('group-rules.apply', { orgId: o.org.id, groupId: g.id });
      await t.drain();
      expect(await membersOf(t, g.id)).toEqual(sorted([a, b]));
    } finally {
      ruleSettings.jobAbove = 5_000;
    }
  });
});
