import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../../test/factories.js';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('invitations of one group, with or without its sub-groups', () => {
  it('lists and counts the group’s invitations, its whole tree with the switch, and respects the viewer’s groups', async () => {
    const o = await orgWithOwner(t);
    const parent = await o.group('Parent');
    const child = await o.group('Child', { parentId: parent.id });
    const grandchild = await o.group('Grandchild', { parentId: child.id });
    const outside = await o.group('Outside');
    const tag = uid();
    const addr = (name: string) => `${name}-${tag}@example.com`;
    const invite = async (name: string, groupIds: string[]) =>
      expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: [addr(name)], groupIds }), 201);
    await invite('p', [parent.id]);
    await invite('c', [child.id]);
    await invite('g', [grandchild.id]);
    await invite('o', [outside.id]);
    await invite('co', [child.id, outside.id]);

    const list = async (agent: typeof o.owner.agent, query: string) => {
      const res = expectStatus(await agent.get(`${o.base}/invitations?${query}`), 200);
      return (res.data.items as { email: string }[]).map((i) => i.email.split('-')[0]).sort();
    };
    expect(await list(o.owner.agent, `groupId=${parent.id}`)).toEqual(['p']);
    expect(await list(o.owner.agent, `groupId=${parent.id}&includeSubgroups=false`)).toEqual(['p']);
    expect(await list(o.owner.agent, `groupId=${parent.id}&includeSubgroups=true`)).toEqual(['c', 'co', 'g', 'p']);
    expect(await list(o.owner.agent, `groupId=${child.id}`)).toEqual(['c', 'co']);
    expect(await list(o.owner.agent, `groupId=${child.id}&includeSubgroups=true`)).toEqual(['c', 'co', 'g']);
    expect(await list(o.owner.agent, `groupId=${outside.id}&includeSubgroups=true`)).toEqual(['co', 'o']);
    expect(await list(o.owner.agent, `groupId=${parent.id}&includeSubgroups=true&limit=2`)).toHaveLength(2);

    const counts = expectStatus(await o.owner.agent.get(`${o.base}/invitations/counts?groupId=${parent.id}&includeSubgroups=true`), 200);
    expect(counts.data.pending + counts.data.prospect).toBe(4);
    const direct = expectStatus(await o.owner.agent.get(`${o.base}/invitations/counts?groupId=${parent.id}`), 200);
    expect(direct.data.pending + direct.data.prospect).toBe(1);

    // A limited manager observing the child sees its tree, and the parent does not exist for them.
    const limited = await addMember(t, o.org.id, 'manager_limited');
    expectStatus(await o.owner.agent.post(`${o.base}/groups/${child.id}/observers`, { accountIds: [limited.id] }), 200);
    expect(await list(limited.agent, `groupId=${child.id}&includeSubgroups=true`)).toEqual(['c', 'co', 'g']);
    expect(await list(limited.agent, `groupId=${grandchild.id}`)).toEqual(['g']);
    expect((await limited.agent.get(`${o.base}/invitations?groupId=${parent.id}&includeSubgroups=true`)).statusCode).toBe(404);
    expect((await limited.agent.get(`${o.base}/invitations/counts?groupId=${outside.id}`)).statusCode).toBe(404);

    // Another organization's group, or no group at all, is a 404; a malformed id a 422.
    const other = await orgWithOwner(t);
    const foreign = await other.group('Foreign');
    expect((await o.owner.agent.get(`${o.base}/invitations?groupId=${foreign.id}`)).statusCode).toBe(404);
    expect((await o.owner.agent.get(`${o.base}/invitations?groupId=00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
    expect((await o.owner.agent.get(`${o.base}/invitations?groupId=nope`)).statusCode).toBe(422);
    expect((await o.owner.agent.get(`${o.base}/invitations?groupId=${parent.id}&includeSubgroups=yes`)).statusCode).toBe(422);
  });

  it('pages a group with many invitations newest first, the same as a group with few', async () => {
    const o = await orgWithOwner(t);
    const parent = await o.group('Big parent');
    const child = await o.group('Big child', { parentId: parent.id });
    const tag = uid();
    const many = Array.from({ length: 520 }, (_, i) => `many${String(i).padStart(3, '0')}-${tag}@example.com`);
    expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: many, groupIds: [child.id] }), 201);
    t.clock.advance(1000);
    try {
      expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: [`top-${tag}@example.com`], groupIds: [parent.id] }), 201);
    } finally {
      t.clock.advance(-1000);
    }
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `groupId=${parent.id}&includeSubgroups=true&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = expectStatus(await o.owner.agent.get(`${o.base}/invitations?${query}`), 200);
      all.push(...(res.data.items as { email: string }[]).map((i) => i.email));
      cursor = res.data.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(521);
    expect(new Set(all).size).toBe(521);
    expect(all[0]).toBe(`top-${tag}@example.com`); // newest first, across both groups
    const direct = expectStatus(await o.owner.agent.get(`${o.base}/invitations?groupId=${parent.id}`), 200);
    expect((direct.data.items as { email: string }[]).map((i) => i.email)).toEqual([`top-${tag}@example.com`]);
  });
});
