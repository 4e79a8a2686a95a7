import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner, setMembershipStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The batching jobs become due and run, with the emails they queue. */
async function windowsEnd() {
  await t.ctx.database.query(
    `UPDATE ${t.ctx.config.jobs.schema}.job SET start_after = now() WHERE name = 'space.notify' AND state = 'created'`,
  );
  await t.drain();
}
async function spaceMails(email: string) {
  await t.drain();
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(email)}` });
  return (res.json().items as { subject: string; text: string }[]).filter((m) => /new messages? in your groups/.test(m.subject));
}

/** A program session assigned to a group (its members are enrolled), and people around it. */
async function setup(o: { programReferent: boolean }) {
  const org = await orgWithOwner(t);
  const programReferent = await org.learner('manager_full');
  const groupReferent = await org.learner('manager_full');
  const group = await org.group('Sales');
  expectStatus(await org.owner.agent.patch(`${org.base}/groups/${group.id}`, { defaultReferentId: groupReferent.id }), 200);
  const program = await org.program('Safety first', o.programReferent ? { referentId: programReferent.id } : {});
  const session = await org.session(program.id);
  const [enrolled, classmate, notEnrolled] = [await org.learner(), await org.learner(), await org.learner()];
  await org.addToGroup(group.id, [enrolled.id, classmate.id]);
  await org.attach(group.id, session.id);
  const posts = `${org.base}/sessions/${session.id}/posts`;
  return { ...org, group, program, session, enrolled, classmate, notEnrolled, programReferent, groupReferent, posts };
}

describe('a program session’s discussion', () => {
  it('is seen by those enrolled, its referent and admins; anyone else gets 404', async () => {
    const o = await setup({ programReferent: true });
    const post = expectStatus(await o.enrolled.agent.post(o.posts, { body: 'When is the practical part?' }), 201).data;
    expect(post).toMatchObject({ sessionId: o.session.id, groupId: null, groupName: 'Safety first', canPin: false });
    for (const who of [o.classmate, o.programReferent, o.owner])
      expect(expectStatus(await who.agent.get(o.posts), 200).data.items.map((p: { id: string }) => p.id)).toEqual([post.id]);
    // Not enrolled, the group's referent when the program has its own, another organization, archived.
    const stranger = await orgWithOwner(t);
    for (const who of [o.notEnrolled, o.groupReferent, stranger.owner]) {
      expectStatus(await who.agent.get(o.posts), 404);
      expectStatus(await who.agent.post(o.posts, { body: 'Hi' }), 404);
    }
    // The session's referent answers for it: pins and deletes, never rewrites.
    expectStatus(await o.programReferent.agent.patch(`${o.posts}/${post.id}`, { pinned: true }), 200);
    expectStatus(await o.programReferent.agent.patch(`${o.posts}/${post.id}`, { body: 'Other words' }), 403);
    expectStatus(await o.classmate.agent.delete(`${o.posts}/${post.id}`), 403);
    // The post is found under its session only, not as if it were a group's.
    expectStatus(await o.owner.agent.get(`${o.base}/groups/${o.group.id}/posts/${post.id}/comments`), 404);
    // On the learner's feed, with the program's title.
    const feed = expectStatus(await o.classmate.agent.get('/api/v1/me/feed'), 200).data.items;
    expect(feed.map((p: { id: string; groupName: string }) => [p.id, p.groupName])).toEqual([[post.id, 'Safety first']]);
    await setMembershipStatus(t, o.org.id, o.classmate.id, 'archived');
    expectStatus(await o.classmate.agent.get(o.posts), 404);
    expect(expectStatus(await o.classmate.agent.get('/api/v1/me/feed'), 200).data.items).toEqual([]);
  });

  it('tells the program’s referent of new posts and comments, batched, and never the author', async () => {
    const o = await setup({ programReferent: true });
    const post = expectStatus(await o.enrolled.agent.post(o.posts, { body: 'Question about module 2' }), 201).data;
    t.clock.advance(60_000);
    expectStatus(await o.classmate.agent.post(`${o.posts}/${post.id}/comments`, { body: 'Same question here' }), 201);
    expectStatus(await o.programReferent.agent.post(`${o.posts}/${post.id}/comments`, { body: 'Answered in the guide' }), 201);
    await windowsEnd();
    const [mail, ...rest] = await spaceMails(o.programReferent.email);
    expect(rest).toHaveLength(0);
    expect(mail?.subject).toBe(`2 new messages in your groups in ${o.org.name}`);
    expect(mail?.text).toContain('Safety first — Test User posted:');
    expect(mail?.text).toContain('“Same question here”');
    expect(mail?.text).not.toContain('Answered in the guide');
    expect(mail?.text).toContain(`${t.ctx.config.appUrl}/home/sessions/${o.org.id}/${o.session.id}`);
    expect(await spaceMails(o.groupReferent.email)).toHaveLength(0);
  });

  it('tells the group’s default referent when the program has none', async () => {
    const o = await setup({ programReferent: false });
    expectStatus(await o.enrolled.agent.post(o.posts, { body: 'Hello referent' }), 201);
    // The group's referent sees and moderates the discussion.
    expect(expectStatus(await o.groupReferent.agent.get(o.posts), 200).data.items[0]).toMatchObject({ canPin: true, canDelete: true });
    await windowsEnd();
    expect(await spaceMails(o.groupReferent.email)).toHaveLength(1);
    expect(await spaceMails(o.programReferent.email)).toHaveLength(0);
  });
});

describe('the learner’s home', () => {
  it('shows the team of each group: its observers and its referent, by name only', async () => {
    const o = await setup({ programReferent: true });
    const observer = await o.learner('manager_limited');
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${o.group.id}/observers`, { accountIds: [observer.id] }), 200);
    const home = expectStatus(await o.enrolled.agent.get('/api/v1/me/home'), 200).data;
    const group = home.organizations[0].groups[0];
    expect(group.team).toEqual({
      observers: [{ id: observer.id, name: 'Test User' }],
      referent: { id: o.groupReferent.id, name: 'Test User' },
    });
    expect(JSON.stringify(group.team)).not.toContain('@'); // names, not addresses
    // An archived observer leaves the team.
    await setMembershipStatus(t, o.org.id, observer.id, 'archived');
    expect(expectStatus(await o.enrolled.agent.get('/api/v1/me/home'), 200).data.organizations[0].groups[0].team.observers).toEqual([]);
  });
});
