import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { field, populated, setFields, sorted } from './rules.fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('profile fields', () => {
  it('creates, lists, edits and deletes fields; a key is unique; a choice needs options', async () => {
    const o = await orgWithOwner(t);
    const f = await field(o, 'department', 'choice', ['Sales', 'Support']);
    expect((await o.owner.agent.post(`${o.base}/profile-fields`, { key: 'department', label: { en: 'D' }, type: 'text' })).statusCode).toBe(
      409,
    );
    expect((await o.owner.agent.post(`${o.base}/profile-fields`, { key: 'team', label: { en: 'Team' }, type: 'choice' })).statusCode).toBe(
      422,
    );
    const patched = expectStatus(
      await o.owner.agent.patch(`${o.base}/profile-fields/${f.id}`, {
        label: { en: 'Dept', fr: 'Service' },
        options: ['Sales', 'Support', 'HR'],
      }),
      200,
    );
    expect(patched.data).toMatchObject({ key: 'department', label: { en: 'Dept', fr: 'Service' }, options: ['Sales', 'Support', 'HR'] });
    const list = expectStatus(await o.owner.agent.get(`${o.base}/profile-fields`), 200);
    expect(list.data.items.map((x: { key: string }) => x.key)).toEqual(['department']);
    const learner = await o.learner();
    expect((await learner.agent.post(`${o.base}/profile-fields`, { key: 'x', label: { en: 'X' }, type: 'text' })).statusCode).toBe(403);
    expectStatus(await o.owner.agent.delete(`${o.base}/profile-fields/${f.id}`), 200);
    expect((await o.owner.agent.get(`${o.base}/profile-fields`)).data.items).toEqual([]);
  });

  it('shows and sets a member’s values, refusing an unknown option with “did you mean” (en and fr) and a non-date', async () => {
    const o = await orgWithOwner(t);
    await field(o, 'department', 'choice', ['Sales', 'Support']);
    await field(o, 'start', 'date');
    const [id] = await seedMembers(t, o.org.id, 1);
    const bad = await o.owner.agent.patch(`${o.base}/members/${id}`, { fields: { department: 'Slaes' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.message).toContain('Did you mean “Sales”?');
    await t.ctx.db.execute(sql`UPDATE accounts SET locale = 'fr' WHERE id = ${o.owner.id}`);
    const fr = await o.owner.agent.patch(`${o.base}/members/${id}`, { fields: { department: 'Slaes' } });
    expect(fr.data.error.message).toContain('Vouliez-vous dire « Sales »');
    await t.ctx.db.execute(sql`UPDATE accounts SET locale = 'en' WHERE id = ${o.owner.id}`);
    const notDate = await o.owner.agent.patch(`${o.base}/members/${id}`, { fields: { start: '31/12/2026' } });
    expect(notDate.statusCode).toBe(422);
    expect(notDate.data.error.message).toContain('is not a date');
    expect((await o.owner.agent.patch(`${o.base}/members/${id}`, { fields: { nope: 'x' } })).statusCode).toBe(422);
    const ok = await setFields(o, id, { department: 'sales', start: '2026-12-31' });
    expect(ok.data.fields).toEqual({ department: 'Sales', start: '2026-12-31' });
    const got = expectStatus(await o.owner.agent.get(`${o.base}/members/${id}`), 200);
    expect(got.data).toMatchObject({ accountId: id, role: 'learner', fields: { department: 'Sales', start: '2026-12-31' } });
    await setFields(o, id, { start: null });
    expect((await o.owner.agent.get(`${o.base}/members/${id}`)).data.fields).toEqual({ department: 'Sales' });
    // The role still changes through the same path.
    expect((await o.owner.agent.patch(`${o.base}/members/${id}`, { role: 'guest' })).data.role).toBe('guest');
  });

  it('filters the members list on a field and shows the values as columns', async () => {
    const { o, a, b } = await populated(t);
    const res = expectStatus(await o.owner.agent.get(`${o.base}/members?field=department&fieldValue=Sales`), 200);
    expect(sorted(res.data.items.map((m: { accountId: string }) => m.accountId))).toEqual(sorted([a, b]));
    expect(res.data.items.find((m: { accountId: string }) => m.accountId === a).fields).toMatchObject({
      department: 'Sales',
      city: 'Lyon',
    });
    const counts = expectStatus(await o.owner.agent.get(`${o.base}/members/counts?field=city&fieldValue=lyon`), 200);
    expect(counts.data.active).toBe(2);
  });
  it('shows learners the fields marked visible and lets them change only those marked editable', async () => {
    const o = await orgWithOwner(t);
    const post = async (body: Record<string, unknown>) => expectStatus(await o.owner.agent.post(`${o.base}/profile-fields`, body), 201);
    await post({ key: 'team', label: { en: 'Team', fr: 'Équipe' }, type: 'text', learnerVisible: true });
    await post({
      key: 'tshirt',
      label: { en: 'T-shirt size' },
      type: 'choice',
      options: ['S', 'M', 'L'],
      learnerVisible: true,
      learnerEditable: true,
    });
    await post({ key: 'salary_band', label: { en: 'Salary band' }, type: 'text' });
    const learner = await o.learner();
    const mine = `${o.base}/me/fields`;
    const before = expectStatus(await learner.agent.get(mine), 200).data;
    expect(before.items.map((f: { key: string; editable: boolean }) => [f.key, f.editable])).toEqual([
      ['team', false],
      ['tshirt', true],
    ]);
    const after = expectStatus(await learner.agent.patch(mine, { fields: { tshirt: 'm' } }), 200).data;
    expect(after.items.find((f: { key: string }) => f.key === 'tshirt').value).toBe('M');
    await t.ctx.db.execute(sql`UPDATE accounts SET locale = 'fr' WHERE id = ${learner.id}`);
    const refused = await learner.agent.patch(mine, { fields: { team: 'Red' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.data.error).toMatchObject({
      code: 'field_not_editable',
      message: 'Vous ne pouvez pas modifier le champ team ; demandez à un administrateur.',
    });
    expect((await learner.agent.patch(mine, { fields: { salary_band: 'B' } })).statusCode).toBe(403);
    expect((await learner.agent.patch(mine, { fields: { tshirt: 'XXL' } })).statusCode).toBe(422);
  });
});
