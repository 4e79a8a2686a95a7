import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../../test/factories.js';
import { orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { ROLES } from '../../http/permissions.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('what /api/v1/me says the viewer may grant', () => {
  it('is exactly what the server lets each role give when creating a member', async () => {
    const o = await orgWithOwner(t);
    // One after the other: each sign-up drains the job queue to read its verification email.
    const actors: { role: string; agent: Awaited<ReturnType<typeof addMember>>['agent'] }[] = [{ role: 'owner', agent: o.owner.agent }];
    for (const role of ['admin', 'manager_full', 'manager_limited'] as const)
      actors.push({ role, agent: (await addMember(t, o.org.id, role)).agent });
    for (const actor of actors) {
      const me = (await actor.agent.get('/api/v1/me')).data;
      const membership = me.memberships.find((m: { orgId: string }) => m.orgId === o.org.id);
      expect(membership.role).toBe(actor.role);
      const offered: string[] = membership.grantableRoles;
      if (actor.role === 'owner') expect(offered).toEqual([...ROLES]);
      if (actor.role === 'manager_limited') expect(offered).toEqual([]);
      for (const role of ROLES) {
        const res = await actor.agent.post(`${o.base}/members`, { email: `given-${uid()}@example.com`, name: 'Given', role });
        expect(res.statusCode, `${actor.role} gives ${role}: ${res.body}`).toBe(offered.includes(role) ? 201 : 403);
      }
    }
  });
});
