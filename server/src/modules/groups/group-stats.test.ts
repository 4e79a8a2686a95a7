import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner, seedMembers, setMembershipStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const HOUR = 3_600_000;

describe('group statistics', () => {
  it('counts the people of the group and its sub-groups, and their progress in the sessions that reach them', async () => {
    const o = await orgWithOwner(t);
    const top = await o.group('Company');
    const g = await o.group('Sales', { parentId: top.id });
    const g1 = await o.group('Sales east', { parentId: g.id });
    const other = await o.group('Support');
    const signedIn = await o.learner(); // has signed in
    const [never] = await seedMembers(t, o.org.id, 1); // has never signed in
    const [gone] = await seedMembers(t, o.org.id, 1);
    const [elsewhere] = await seedMembers(t, o.org.id, 1);
    await o.addToGroup(g.id, [signedIn.id, gone]);
    await o.addToGroup(g1.id, [never]);
    await o.addToGroup(other.id, [elsewhere]);
    await setMembershipStatus(t, o.org.id, gone, 'archived');

    const fromTop = await o.session((await o.program('Code of conduct')).id); // attached above: reaches everyone below
    const forEast = await o.session((await o.program('East onboarding')).id); // attached to the sub-group
    const closing = await o.session((await o.program('Safety')).id, -HOUR, 2 * HOUR); // closes in an hour
    const elsewhereOnly = await o.session((await o.program('Support tools')).id);
    await o.attach(top.id, fromTop.id);
    await o.attach(g1.id, forEast.id);
    await o.attach(g.id, closing.id);
    await o.attach(other.id, elsewhereOnly.id);

    const mine = (await signedIn.agent.get('/api/v1/me/enrolments')).data.items;
    const started = mine.find((e: { sessionId: unknown }) => e.sessionId === fromTop.id);
    expectStatus(await signedIn.agent.post(`/api/v1/me/enrolments/${started.id}/progress`, { percent: 40 }), 200);
    const done = mine.find((e: { sessionId: unknown }) => e.sessionId === closing.id);
    expectStatus(await signedIn.agent.post(`/api/v1/me/enrolments/${done.id}/progress`, { percent: 100 }), 200);
    t.clock.advance(2 * HOUR); // the safety session has closed: whoever did not complete it is late

    const stats = expectStatus(await o.owner.agent.get(`${o.base}/groups/${g.id}/stats`), 200).data;
    expect(stats.members).toEqual({ active: 2, neverSignedIn: 1, signedInRecently: 1 });
    const bySession = Object.fromEntries(stats.sessions.map((s: { programTitle: unknown }) => [s.programTitle, s]));
    expect(Object.keys(bySession).sort()).toEqual(['Code of conduct', 'East onboarding', 'Safety']);
    expect(bySession['Code of conduct']).toMatchObject({ enrolled: 2, notStarted: 1, inProgress: 1, completed: 0, status: 'ongoing' });
    expect(bySession['East onboarding']).toMatchObject({ enrolled: 1, notStarted: 1 });
    expect(bySession.Safety).toMatchObject({ enrolled: 2, completed: 1, status: 'closed' });
    expect(stats.enrolments).toEqual({ total: 5, notStarted: 3, inProgress: 1, completed: 1, late: 1 });

    // The sub-group alone: one person, who never signed in.
    const east = (await o.owner.agent.get(`${o.base}/groups/${g1.id}/stats`)).data;
    expect(east.members).toEqual({ active: 1, neverSignedIn: 1, signedInRecently: 0 });
  });

  it('answers 404 for another organization’s group, and to a limited manager outside its groups', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Private');
    const other = await orgWithOwner(t);
    expect((await other.owner.agent.get(`${o.base}/groups/${g.id}/stats`)).statusCode).toBe(404);
    const limited = await o.learner('manager_limited');
    expect((await limited.agent.get(`${o.base}/groups/${g.id}/stats`)).statusCode).toBe(404);
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${g.id}/observers`, { accountIds: [limited.id] }), 200);
    expectStatus(await limited.agent.get(`${o.base}/groups/${g.id}/stats`), 200);
    expect((await (await o.learner()).agent.get(`${o.base}/groups/${g.id}/stats`)).statusCode).toBe(403);
  });
});
