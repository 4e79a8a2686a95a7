import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import {
  PNG_1PX,
  expectStatus,
  multipart,
  orgWithOwner,
  seedMembers,
  setMembershipStatus,
  upload,
} from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;

/** An organization with a branded group, a program in it, and a learner who can sign in. */
async function setup() {
  const o = await orgWithOwner(t);
  const g = await o.group('Sales', { welcomeMessage: 'Welcome to Sales' });
  expectStatus(await upload(o.owner.agent, `${o.base}/groups/${g.id}/logo`, multipart('file', 'l.png', 'image/png', PNG_1PX)), 200);
  const p = await o.program('Safety first');
  const s = await o.session(p.id, -DAY, 10 * DAY);
  await o.attach(g.id, s.id);
  const learner = await o.learner();
  await o.addToGroup(g.id, [learner.id]);
  const mine = await learner.agent.get('/api/v1/me/enrolments');
  return { o, g, p, s, learner, enrolmentId: mine.data.items[0].id as string };
}

describe('the learner’s home and enrolments', () => {
  it('shows the learner’s groups (welcome message, images) and enrolments per organization', async () => {
    const { o, g, p, s, learner } = await setup();
    const home = expectStatus(await learner.agent.get('/api/v1/me/home'), 200);
    const org = home.data.organizations.find((x: { orgId: unknown }) => x.orgId === o.org.id);
    expect(org).toMatchObject({ orgName: o.org.name, membershipStatus: 'active' });
    expect(org.groups).toEqual([
      {
        id: g.id,
        name: 'Sales',
        welcomeMessage: 'Welcome to Sales',
        logoUrl: expect.stringMatching(/\/logo\?v=/),
        backgroundUrl: null,
        team: { observers: [], referent: null },
      },
    ]);
    expect(org.enrolments).toEqual([
      expect.objectContaining({
        programId: p.id,
        programTitle: 'Safety first',
        sessionId: s.id,
        status: 'ongoing',
        percent: 0,
        completedAt: null,
        certificateId: null,
      }),
    ]);
    expect((await learner.agent.get(org.groups[0].logoUrl)).statusCode).toBe(200);
    expect((await new Agent(t.app).get('/api/v1/me/home')).statusCode).toBe(401);
  });

  it('records progress that never decreases; 100 completes it and issues a certificate', async () => {
    const { o, p, learner, enrolmentId } = await setup();
    const url = `/api/v1/me/enrolments/${enrolmentId}/progress`;
    expect(expectStatus(await learner.agent.post(url, { percent: 40 }), 200).data).toMatchObject({ percent: 40, completedAt: null });
    expect((await learner.agent.post(url, { percent: 10 })).data.percent).toBe(40);
    for (const percent of [101, -1, 50.5]) expect((await learner.agent.post(url, { percent })).statusCode).toBe(422);
    const done = expectStatus(await learner.agent.post(url, { percent: 100 }), 200).data;
    expect(done).toMatchObject({ percent: 100, completedAt: expect.any(String), certificateId: expect.stringMatching(/^[\w-]{22,}$/) });
    expect(done.startedAt).not.toBeNull();

    const cert = expectStatus(await learner.agent.get(`/api/v1/certificates/${done.certificateId}`), 200).data;
    expect(cert).toMatchObject({
      id: done.certificateId,
      learnerName: 'Test User',
      programTitle: p.title,
      organizationName: o.org.name,
      orgId: o.org.id,
    });
    expect((await o.owner.agent.get(`/api/v1/certificates/${done.certificateId}`)).statusCode).toBe(200);
    const stranger = await orgWithOwner(t);
    expect((await stranger.owner.agent.get(`/api/v1/certificates/${done.certificateId}`)).statusCode).toBe(404);
    const classmate = await o.learner();
    expect((await classmate.agent.get(`/api/v1/certificates/${done.certificateId}`)).statusCode).toBe(404);
    const audit = await o.owner.agent.get(`${o.base}/audit-events?limit=5`);
    expect(audit.data.items.map((e: { action: unknown }) => e.action)).toEqual(
      expect.arrayContaining(['enrolment.progressed', 'enrolment.completed']),
    );
  });

  it('refuses progress on someone else’s enrolment (404) and on a session not yet open (409)', async () => {
    const { o, g, learner, enrolmentId } = await setup();
    const other = await o.learner();
    expect((await other.agent.post(`/api/v1/me/enrolments/${enrolmentId}/progress`, { percent: 10 })).statusCode).toBe(404);
    const later = await o.session((await o.program()).id, 5 * DAY, DAY);
    await o.attach(g.id, later.id);
    const mine = await learner.agent.get('/api/v1/me/enrolments');
    const scheduled = mine.data.items.find((e: { sessionId: unknown }) => e.sessionId === later.id);
    expect(scheduled.status).toBe('scheduled');
    const res = await learner.agent.post(`/api/v1/me/enrolments/${scheduled.id}/progress`, { percent: 10 });
    expect(res.statusCode).toBe(409);
    expect(res.data.error.code).toBe('session_not_open');
  });

  it('names the program’s referent, or else the group’s default referent', async () => {
    const { o, g, p, learner } = await setup();
    const groupRef = await o.learner('manager_full');
    const programRef = await o.learner('manager_limited');
    await o.owner.agent.patch(`${o.base}/groups/${g.id}`, { defaultReferentId: groupRef.id });
    expect((await learner.agent.get('/api/v1/me/enrolments')).data.items[0].referent).toMatchObject({ id: groupRef.id });
    await o.owner.agent.patch(`${o.base}/programs/${p.id}`, { referentId: programRef.id });
    expect((await learner.agent.get('/api/v1/me/enrolments')).data.items[0].referent).toMatchObject({ id: programRef.id });
  });

  it('lets an archived learner keep in-progress and completed training, not what they never started', async () => {
    const { o, g, learner, enrolmentId } = await setup();
    const p2 = await o.program('Second');
    const s2 = await o.session(p2.id);
    const p3 = await o.program('Third');
    const s3 = await o.session(p3.id);
    await o.attach(g.id, s2.id);
    await o.attach(g.id, s3.id);
    const byProgram = Object.fromEntries(
      (await learner.agent.get('/api/v1/me/enrolments')).data.items.map((e: { programTitle: unknown; id: unknown }) => [
        e.programTitle,
        e.id,
      ]),
    );
    await learner.agent.post(`/api/v1/me/enrolments/${enrolmentId}/progress`, { percent: 30 });
    await learner.agent.post(`/api/v1/me/enrolments/${byProgram.Second}/progress`, { percent: 100 });
    await setMembershipStatus(t, o.org.id, learner.id, 'archived');

    const mine = await learner.agent.get('/api/v1/me/enrolments');
    expect(mine.data.items.map((e: { programTitle: unknown }) => e.programTitle).sort()).toEqual(['Safety first', 'Second']);
    expectStatus(await learner.agent.post(`/api/v1/me/enrolments/${enrolmentId}/progress`, { percent: 60 }), 200);
    expect((await learner.agent.post(`/api/v1/me/enrolments/${byProgram.Third}/progress`, { percent: 10 })).statusCode).toBe(404);
    const home = await learner.agent.get('/api/v1/me/home');
    const org = home.data.organizations.find((x: { orgId: unknown }) => x.orgId === o.org.id);
    expect(org).toMatchObject({ membershipStatus: 'archived', groups: [] });
    expect(org.enrolments).toHaveLength(2);

    // Admins see only the completed enrolment (the certificate) of an archived member.
    const admin = await o.owner.agent.get(`${o.base}/enrolments?accountId=${learner.id}`);
    expect(admin.data.items).toEqual([
      expect.objectContaining({ programTitle: 'Second', percent: 100, memberStatus: 'archived', certificateId: expect.any(String) }),
    ]);
  });
});

describe('the organization’s enrolment list', () => {
  it('filters by account, session, group (with sub-groups) and program, and pages with a cursor', async () => {
    const o = await orgWithOwner(t);
    const top = await o.group('Top');
    const sub = await o.group('Sub', { parentId: top.id });
    const other = await o.group('Other');
    const [p1, p2] = [await o.program('P1'), await o.program('P2')];
    const [s1, s2] = [await o.session(p1.id), await o.session(p2.id)];
    const [a, b, c] = await seedMembers(t, o.org.id, 3);
    await o.addToGroup(top.id, [a]);
    await o.addToGroup(sub.id, [b]);
    await o.addToGroup(other.id, [c]);
    for (const g of [top, other]) for (const s of [s1, s2]) await o.attach(g.id, s.id);
    const get = async (q: string) => (await o.owner.agent.get(`${o.base}/enrolments?${q}`)).data;
    expect((await get('')).items).toHaveLength(6);
    expect((await get(`accountId=${a}`)).items.map((e: { sessionId: unknown }) => e.sessionId).sort()).toEqual([s1.id, s2.id].sort());
    expect((await get(`sessionId=${s1.id}`)).items.map((e: { accountId: unknown }) => e.accountId).sort()).toEqual([a, b, c].sort());
    expect((await get(`groupId=${top.id}`)).items.map((e: { accountId: unknown }) => e.accountId).sort()).toEqual([a, a, b, b].sort());
    expect((await get(`programId=${p2.id}&groupId=${other.id}`)).items).toEqual([
      expect.objectContaining({ accountId: c, sessionId: s2.id, programTitle: 'P2' }),
    ]);

    const seen = new Set<string>();
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const page = await get(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      for (const e of page.items) seen.add(e.id);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen.size).toBe(6);
  });

  it('is refused to a learner (403) and scoped to the organization', async () => {
    const o = await orgWithOwner(t);
    const learner = await o.learner();
    expect((await learner.agent.get(`${o.base}/enrolments`)).statusCode).toBe(403);
    const limited = await o.learner('manager_limited');
    expect((await limited.agent.get(`${o.base}/enrolments`)).statusCode).toBe(200);
    const { s } = await setup();
    expect((await o.owner.agent.get(`${o.base}/enrolments?sessionId=${s.id}`)).data.items).toEqual([]);
  });
});
