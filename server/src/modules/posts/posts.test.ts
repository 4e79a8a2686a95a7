import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from '../../../test/factories.js';
import { expectStatus, orgWithOwner, setMembershipStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** An organization with a group, one of its sub-groups, and people placed in them. */
async function setup() {
  const o = await orgWithOwner(t);
  const parent = await o.group('Sales');
  const child = await o.group('Sales North', { parentId: parent.id });
  const other = await o.group('Support');
  const [inParent, inChild, outsider, archived] = [await o.learner(), await o.learner(), await o.learner(), await o.learner()];
  await o.addToGroup(parent.id, [inParent.id, archived.id]);
  await o.addToGroup(child.id, [inChild.id]);
  const observer = await o.learner('manager_limited');
  expectStatus(await o.owner.agent.post(`${o.base}/groups/${parent.id}/observers`, { accountIds: [observer.id] }), 200);
  const otherManager = await o.learner('manager_limited');
  expectStatus(await o.owner.agent.post(`${o.base}/groups/${other.id}/observers`, { accountIds: [otherManager.id] }), 200);
  const posts = (groupId: string) => `${o.base}/groups/${groupId}/posts`;
  return { ...o, parent, child, other, inParent, inChild, outsider, archived, observer, otherManager, posts };
}

describe('who sees a group space', () => {
  it('shows it to the group’s members, observers and staff in scope; everyone else gets 404', async () => {
    const o = await setup();
    const post = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'Hello Sales' }), 201).data;
    expect(post).toMatchObject({ body: 'Hello Sales', groupName: 'Sales', canEdit: true, canDelete: true, canPin: false, commentCount: 0 });

    for (const who of [o.inParent, o.observer, o.owner]) {
      const res = expectStatus(await who.agent.get(o.posts(o.parent.id)), 200);
      expect(res.data.items.map((p: { id: string }) => p.id)).toEqual([post.id]);
    }
    await setMembershipStatus(t, o.org.id, o.archived.id, 'archived');
    // A sub-group's member, an org member outside the group, a limited manager of another group, an archived member.
    for (const who of [o.inChild, o.outsider, o.otherManager, o.archived]) {
      expectStatus(await who.agent.get(o.posts(o.parent.id)), 404);
      expectStatus(await who.agent.post(o.posts(o.parent.id), { body: 'Let me in' }), 404);
      expectStatus(await who.agent.get(`${o.posts(o.parent.id)}/${post.id}/comments`), 404);
    }
    // The sub-group's own space is its members' — and its parent's observer manages it too.
    expectStatus(await o.inChild.agent.post(o.posts(o.child.id), { body: 'North here' }), 201);
    expect(expectStatus(await o.observer.agent.get(o.posts(o.child.id)), 200).data.items).toHaveLength(1);
    expectStatus(await o.inParent.agent.get(o.posts(o.child.id)), 404);
    // A limited manager who merely belongs to a group it does not manage is a member like any other.
    const managerMember = await o.learner('manager_limited');
    await o.addToGroup(o.other.id, [managerMember.id]);
    expectStatus(await managerMember.agent.post(o.posts(o.other.id), { body: 'Support question' }), 201);
    expectStatus(await managerMember.agent.get(o.posts(o.parent.id)), 404);
  });

  it('answers 404 to another organization, even to its owner, and for a post moved across groups', async () => {
    const o = await setup();
    const post = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'Ours' }), 201).data;
    const stranger = await createOrg(t);
    expectStatus(await stranger.owner.agent.get(o.posts(o.parent.id)), 404);
    expectStatus(await stranger.owner.agent.delete(`${o.posts(o.parent.id)}/${post.id}`), 404);
    // The stranger's own organization id with our group: still nothing.
    expectStatus(await stranger.owner.agent.get(`/api/v1/orgs/${stranger.org.id}/groups/${o.parent.id}/posts`), 404);
    // Our post through another of our groups: not found.
    expectStatus(await o.owner.agent.get(`${o.posts(o.other.id)}/${post.id}/comments`), 404);
  });
});

describe('editing and deleting', () => {
  it('lets the author edit, and the author, admins and observers delete or pin', async () => {
    const o = await setup();
    const peer = await o.learner();
    await o.addToGroup(o.parent.id, [peer.id]);
    const url = (id: string) => `${o.posts(o.parent.id)}/${id}`;
    const mine = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'First' }), 201).data;

    // Another member sees it but may neither edit nor delete nor pin.
    const seen = expectStatus(await peer.agent.get(o.posts(o.parent.id)), 200).data.items[0];
    expect(seen).toMatchObject({ canEdit: false, canDelete: false, canPin: false });
    expectStatus(await peer.agent.patch(url(mine.id), { body: 'Hijacked' }), 403);
    expectStatus(await peer.agent.delete(url(mine.id)), 403);
    expectStatus(await o.inParent.agent.patch(url(mine.id), { pinned: true }), 403);
    // Observers and admins may delete and pin, but not rewrite someone's words.
    expect(expectStatus(await o.observer.agent.get(o.posts(o.parent.id)), 200).data.items[0]).toMatchObject({
      canEdit: false,
      canDelete: true,
      canPin: true,
    });
    expectStatus(await o.owner.agent.patch(url(mine.id), { body: 'Rewritten' }), 403);

    const edited = expectStatus(await o.inParent.agent.patch(url(mine.id), { body: '  Edited  ' }), 200).data;
    expect(edited.body).toBe('Edited');
    expect(edited.editedAt).not.toBeNull();

    // Pinned first, whatever its age.
    const later = expectStatus(await peer.agent.post(o.posts(o.parent.id), { body: 'Second' }), 201).data;
    expectStatus(await o.observer.agent.patch(url(mine.id), { pinned: true }), 200);
    const list = expectStatus(await peer.agent.get(o.posts(o.parent.id)), 200).data.items;
    expect(list.map((p: { id: string; pinned: boolean }) => [p.id, p.pinned])).toEqual([
      [mine.id, true],
      [later.id, false],
    ]);

    expectStatus(await o.observer.agent.delete(url(mine.id)), 204);
    expectStatus(await o.owner.agent.delete(url(later.id)), 204);
    const third = expectStatus(await peer.agent.post(o.posts(o.parent.id), { body: 'Third' }), 201).data;
    expectStatus(await peer.agent.delete(url(third.id)), 204);
    expect(expectStatus(await peer.agent.get(o.posts(o.parent.id)), 200).data.items).toEqual([]);
    expectStatus(await peer.agent.patch(url(third.id), { body: 'Back' }), 404);
  });

  it('gives comments the same rights', async () => {
    const o = await setup();
    const peer = await o.learner();
    await o.addToGroup(o.parent.id, [peer.id]);
    const post = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'Question?' }), 201).data;
    const comments = `${o.posts(o.parent.id)}/${post.id}/comments`;
    const c = expectStatus(await peer.agent.post(comments, { body: 'Answer' }), 201).data;
    expect(c).toMatchObject({ body: 'Answer', canEdit: true, canDelete: true });
    expectStatus(await o.inParent.agent.patch(`${comments}/${c.id}`, { body: 'No' }), 403);
    expectStatus(await o.inParent.agent.delete(`${comments}/${c.id}`), 403);
    expect(expectStatus(await peer.agent.patch(`${comments}/${c.id}`, { body: 'Better answer' }), 200).data.body).toBe('Better answer');
    const list = expectStatus(await o.inParent.agent.get(o.posts(o.parent.id)), 200).data.items[0];
    expect(list).toMatchObject({ commentCount: 1, recentComments: [{ body: 'Better answer', canEdit: false, canDelete: false }] });
    expectStatus(await o.observer.agent.delete(`${comments}/${c.id}`), 204);
    expect(expectStatus(await peer.agent.get(comments), 200).data.items).toEqual([]);
  });
});

describe('what a post holds', () => {
  it('returns HTML and script as the text typed, never transformed', async () => {
    const o = await setup();
    const body = '<script>alert(1)</script> <img src=x onerror=alert(2)> <b>bold</b>\nline two & "quotes"';
    const post = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body }), 201).data;
    expect(post.body).toBe(body);
    expect(expectStatus(await o.observer.agent.get(o.posts(o.parent.id)), 200).data.items[0].body).toBe(body);
  });

  it('refuses empty and over-long text with the limit, in the writer’s language, and writes nothing', async () => {
    const o = await setup();
    expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'x'.repeat(10_000) }), 201);
    const long = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'x'.repeat(10_001) }), 422).data.error;
    expect(long).toMatchObject({ code: 'body_too_long', details: { max: 10_000, length: 10_001 } });
    expect(long.details.fields.body).toBe('The text is too long: 10001 characters, at most 10,000.');
    const huge = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'y'.repeat(100_000) }), 422).data.error;
    expect(huge.code).toBe('body_too_long');
    expect(expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: ' \n\t ' }), 422).data.error.code).toBe('body_empty');
    expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'ok', pinned: true }), 422);

    expectStatus(await o.inParent.agent.patch('/api/v1/me', { locale: 'fr' }), 200);
    const fr = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'x'.repeat(10_001) }), 422).data.error;
    expect(fr.details.fields.body).toMatch(/^Le texte est trop long : 10001 caractères, 10\s000 au plus\.$/);
    expect(expectStatus(await o.inParent.agent.get(o.posts(o.parent.id)), 200).data.items).toHaveLength(1);
  });

  it('pages posts and comments with a cursor, nothing twice, nothing skipped', async () => {
    const o = await setup();
    for (let i = 0; i < 5; i++) {
      const p = expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: `Post ${i}` }), 201).data;
      if (i === 0)
        for (let j = 0; j < 3; j++)
          expectStatus(await o.observer.agent.post(`${o.posts(o.parent.id)}/${p.id}/comments`, { body: `C${j}` }), 201);
      t.clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const res = expectStatus(await o.inParent.agent.get(`${o.posts(o.parent.id)}?limit=2${q}`), 200).data;
      seen.push(...res.items.map((p: { body: string }) => p.body));
      cursor = res.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Post 4', 'Post 3', 'Post 2', 'Post 1', 'Post 0']);
    const first = expectStatus(await o.inParent.agent.get(`${o.posts(o.parent.id)}?limit=5`), 200).data.items[4];
    const c1 = expectStatus(await o.inParent.agent.get(`${o.posts(o.parent.id)}/${first.id}/comments?limit=2`), 200).data;
    const c2 = expectStatus(
      await o.inParent.agent.get(`${o.posts(o.parent.id)}/${first.id}/comments?limit=2&cursor=${c1.nextCursor}`),
      200,
    ).data;
    expect([...c1.items, ...c2.items].map((c: { body: string }) => c.body)).toEqual(['C0', 'C1', 'C2']);
    expect(c2.nextCursor).toBeNull();
    expectStatus(await o.inParent.agent.get(`${o.posts(o.parent.id)}?cursor=garbage`), 400);
  });
});

describe('the learner’s feed', () => {
  it('lists recent posts of the groups the account is an active member of, across organizations or for one', async () => {
    const o = await setup();
    const second = await orgWithOwner(t);
    const g2 = await second.group('Elsewhere');
    await t.ctx.db.execute(
      sql`INSERT INTO memberships (org_id, account_id, role, status) VALUES (${second.org.id}, ${o.inParent.id}, 'learner', 'active')`,
    );
    await second.addToGroup(g2.id, [o.inParent.id]);
    expectStatus(await o.inParent.agent.post(o.posts(o.parent.id), { body: 'In Sales' }), 201);
    t.clock.advance(1000);
    expectStatus(await o.inChild.agent.post(o.posts(o.child.id), { body: 'In North (not mine)' }), 201);
    const there = expectStatus(await second.owner.agent.post(`${second.base}/groups/${g2.id}/posts`, { body: 'Elsewhere news' }), 201).data;
    expectStatus(await o.observer.agent.post(`${o.posts(o.parent.id)}`, { body: 'From the observer' }), 201);
    expectStatus(await second.owner.agent.post(`${second.base}/groups/${g2.id}/posts/${there.id}/comments`, { body: 'A reply' }), 201);

    const all = expectStatus(await o.inParent.agent.get('/api/v1/me/feed'), 200).data.items;
    expect(all.map((p: { body: string }) => p.body).sort()).toEqual(['Elsewhere news', 'From the observer', 'In Sales']);
    expect(all.find((p: { body: string }) => p.body === 'Elsewhere news').recentComments[0].body).toBe('A reply');
    const one = expectStatus(await o.inParent.agent.get(`/api/v1/me/feed?orgId=${second.org.id}`), 200).data.items;
    expect(one.map((p: { body: string }) => p.body)).toEqual(['Elsewhere news']);
    const firstPage = expectStatus(await o.inParent.agent.get('/api/v1/me/feed?limit=2'), 200).data;
    const next = expectStatus(await o.inParent.agent.get(`/api/v1/me/feed?limit=2&cursor=${firstPage.nextCursor}`), 200).data;
    expect(firstPage.items.length + next.items.length).toBe(3);
    // Archived in the first organization: its posts leave the feed.
    await setMembershipStatus(t, o.org.id, o.inParent.id, 'archived');
    expect(expectStatus(await o.inParent.agent.get('/api/v1/me/feed'), 200).data.items.map((p: { body: string }) => p.body)).toEqual([
      'Elsewhere news',
    ]);
  });
});
