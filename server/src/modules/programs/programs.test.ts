import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner, seedMembers } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { statusAt } from './programs.schemas.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;
const iso = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();

describe('programs', () => {
  it('creates, lists, shows, updates and deletes a program, with audit events', async () => {
    const o = await orgWithOwner(t);
    const manager = await o.learner('manager_full');
    const created = expectStatus(
      await o.owner.agent.post(`${o.base}/programs`, { title: 'Onboarding', description: 'First steps', referentId: manager.id }),
      201,
    );
    expect(created.data).toMatchObject({
      title: 'Onboarding',
      description: 'First steps',
      referent: { id: manager.id, email: manager.email },
      sessionCount: 0,
    });
    const id = created.data.id;
    expect((await o.owner.agent.patch(`${o.base}/programs/${id}`, { title: 'Onboarding 2', referentId: null })).data).toMatchObject({
      title: 'Onboarding 2',
      referent: null,
    });
    await o.program('Another');
    const list = await o.owner.agent.get(`${o.base}/programs?limit=1`);
    expect(list.data.items.map((p: { title: unknown }) => p.title)).toEqual(['Another']);
    const next = await o.owner.agent.get(`${o.base}/programs?limit=1&cursor=${list.data.nextCursor}`);
    expect(next.data.items.map((p: { title: unknown }) => p.title)).toEqual(['Onboarding 2']);
    expectStatus(await o.owner.agent.delete(`${o.base}/programs/${id}`), 204);
    expect((await o.owner.agent.get(`${o.base}/programs/${id}`)).statusCode).toBe(404);
    const audit = await o.owner.agent.get(`${o.base}/audit-events?limit=10`);
    expect(audit.data.items.map((e: { action: unknown }) => e.action)).toEqual(
      expect.arrayContaining(['program.created', 'program.updated', 'program.deleted']),
    );
  });

  it('refuses a referent from another organization or without a staff role (422 naming referentId)', async () => {
    const o = await orgWithOwner(t);
    const other = await orgWithOwner(t);
    const learner = await o.learner();
    for (const referentId of [other.owner.id, learner.id]) {
      const res = await o.owner.agent.post(`${o.base}/programs`, { title: 'P', referentId });
      expect(res.statusCode).toBe(422);
      expect(res.data.error.details.fields.referentId).toBeTruthy();
    }
    const p = await o.program();
    expect(
      (await o.owner.agent.patch(`${o.base}/programs/${p.id}`, { referentId: other.owner.id })).data.error.details.fields.referentId,
    ).toBeTruthy();
  });

  it('lets a limited manager read programs but not create them, and hides another organization’s program (404)', async () => {
    const o = await orgWithOwner(t);
    const p = await o.program('Visible');
    const limited = await o.learner('manager_limited');
    expect((await limited.agent.get(`${o.base}/programs/${p.id}`)).statusCode).toBe(200);
    expect((await limited.agent.post(`${o.base}/programs`, { title: 'No' })).statusCode).toBe(403);
    const other = await orgWithOwner(t);
    expect((await other.owner.agent.get(`${other.base}/programs/${p.id}`)).statusCode).toBe(404);
    expect((await other.owner.agent.patch(`${other.base}/programs/${p.id}`, { title: 'Stolen' })).statusCode).toBe(404);
    expect((await other.owner.agent.get(`${other.base}/programs/${p.id}/sessions`)).statusCode).toBe(404);
    expect((await other.owner.agent.post(`${other.base}/programs/${p.id}/sessions`, { opensAt: iso(0) })).statusCode).toBe(404);
  });
});

describe('sessions', () => {
  it('computes scheduled, ongoing and closed from the clock, and lists by status', async () => {
    const o = await orgWithOwner(t);
    const p = await o.program();
    const soon = await o.session(p.id, DAY, DAY);
    const now = await o.session(p.id, -DAY, 2 * DAY);
    const forever = await o.session(p.id, -DAY, null);
    const past = await o.session(p.id, -3 * DAY, DAY);
    expect([soon.status, now.status, forever.status, past.status]).toEqual(['scheduled', 'ongoing', 'ongoing', 'closed']);
    const ongoing = await o.owner.agent.get(`${o.base}/programs/${p.id}/sessions?status=ongoing`);
    expect(ongoing.data.items.map((s: { id: unknown }) => s.id).sort()).toEqual([now.id, forever.id].sort());
    t.clock.advance(2 * DAY);
    try {
      const all = await o.owner.agent.get(`${o.base}/programs/${p.id}/sessions`);
      expect(Object.fromEntries(all.data.items.map((s: { id: unknown; status: unknown }) => [s.id, s.status]))).toEqual({
        [soon.id]: 'closed',
        [now.id]: 'closed',
        [forever.id]: 'ongoing',
        [past.id]: 'closed',
      });
    } finally {
      t.clock.advance(-2 * DAY);
    }
    expect(statusAt('2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', new Date('2026-01-03T00:00:00Z'))).toBe('closed');
    expect(statusAt('2026-01-02T00:00:00Z', null, new Date('2026-01-02T00:00:00Z'))).toBe('ongoing');
  });

  it('refuses a session that closes before or when it opens (422 naming closesAt), also when patched', async () => {
    const o = await orgWithOwner(t);
    const p = await o.program();
    for (const closesAt of [iso(-DAY), iso(0)]) {
      const res = await o.owner.agent.post(`${o.base}/programs/${p.id}/sessions`, { opensAt: iso(0), closesAt });
      expect(res.statusCode).toBe(422);
      expect(res.data.error.details.fields.closesAt).toBeTruthy();
    }
    const bad = await o.owner.agent.post(`${o.base}/programs/${p.id}/sessions`, { opensAt: 'next monday' });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.details.fields.opensAt).toBeTruthy();
    const s = await o.session(p.id, DAY, DAY);
    const patched = await o.owner.agent.patch(`${o.base}/programs/${p.id}/sessions/${s.id}`, { opensAt: iso(3 * DAY) });
    expect(patched.statusCode).toBe(422);
    expect(patched.data.error.details.fields.closesAt).toBeTruthy();
    const ok = expectStatus(
      await o.owner.agent.patch(`${o.base}/programs/${p.id}/sessions/${s.id}`, { opensAt: iso(3 * DAY), closesAt: null }),
      200,
    );
    expect(ok.data).toMatchObject({ closesAt: null, status: 'scheduled' });
  });

  it('deletes a session or a program nobody started, and refuses (409) once a learner has progress', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('G');
    const p = await o.program();
    const [s1, s2] = [await o.session(p.id), await o.session(p.id)];
    const [x] = await seedMembers(t, o.org.id, 1);
    await o.addToGroup(g.id, [x]);
    await o.attach(g.id, s1.id);
    await o.attach(g.id, s2.id);
    expectStatus(await o.owner.agent.delete(`${o.base}/programs/${p.id}/sessions/${s2.id}`), 204);
    expect((await o.enrolments()).size).toBe(1);
    await t.ctx.db.execute(sql`UPDATE enrolments SET percent = 20 WHERE session_id = ${s1.id}`);
    const refused = await o.owner.agent.delete(`${o.base}/programs/${p.id}/sessions/${s1.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.data.error.code).toBe('session_has_progress');
    expect((await o.owner.agent.delete(`${o.base}/programs/${p.id}`)).data.error.code).toBe('program_has_progress');
    const session = await o.owner.agent.get(`${o.base}/programs/${p.id}/sessions`);
    expect(session.data.items).toEqual([expect.objectContaining({ id: s1.id, groupCount: 1, enrolmentCount: 1 })]);
  });
});
