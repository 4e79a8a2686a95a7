import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orgWithOwner } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';

// Real concurrency needs several connections: PostgreSQL only (PGlite is one connection, so its
// transactions never overlap).
describe.skipIf(!process.env.DATABASE_URL)('invitations sent at the same time (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('keeps exactly one open invitation per address; the other requests report it as already invited', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Crew');
    const pool = Array.from({ length: 12 }, (_, i) => `crew-${i}-${uid()}@example.com`);
    // Ten requests whose lists overlap (each address is in four or five of them), in different orders.
    const lists = Array.from({ length: 10 }, (_, r) => {
      const list = Array.from({ length: 6 }, (_, k) => pool[(r + 2 * k) % pool.length] as string);
      return r % 2 ? list.reverse() : list;
    });
    const answers = await Promise.all(lists.map((emails) => o.owner.agent.post(`${o.base}/invitations`, { emails, groupIds: [group.id] })));
    for (const res of answers) expectStatus(res, 201);

    const invited = answers.flatMap((r) => r.data.items.map((i: { email: string }) => i.email));
    expect(invited.sort()).toEqual([...pool].sort());
    for (const [n, res] of answers.entries()) {
      const mine = new Set(res.data.items.map((i: { email: string }) => i.email));
      const skipped = res.data.skipped as { email: string; reason: string; invitationId?: string }[];
      expect(skipped.map((s) => s.email).sort(), `request ${n}`).toEqual(lists[n]?.filter((e) => !mine.has(e)).sort());
      for (const s of skipped) expect(s.reason).toBe('already_invited');
    }

    const { rows } = await t.ctx.database.query<{ email: string; open: number; current: number }>(
      `SELECT email, count(*) FILTER (WHERE status IN ('prospect', 'pending'))::int AS open, count(*) FILTER (WHERE is_current)::int AS current
         FROM invitations WHERE org_id = $1 GROUP BY email ORDER BY email`,
      [o.org.id],
    );
    expect(rows).toEqual([...pool].sort().map((email) => ({ email, open: 1, current: 1 })));
  });

  it('reopens one of an address’s closed invitations when several are resent at once', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('Twice');
    const email = `twice-${uid()}@example.com`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = expectStatus(await o.owner.agent.post(`${o.base}/invitations`, { emails: [email], groupIds: [group.id] }), 201);
      const id = res.data.items[0].id as string;
      // The invitee declines (as the decline link does) before the next invitation.
      await t.ctx.database.query(`UPDATE invitations SET status = 'declined', declined_at = now() WHERE id = $1`, [id]);
      ids.push(id);
    }
    const answers = await Promise.all([
      ...ids.map((id) => o.owner.agent.post(`${o.base}/invitations/${id}/resend`, {})),
      o.owner.agent.post(`${o.base}/invitations/resend`, { invitationIds: [...ids].reverse() }),
    ]);
    for (const res of answers) expect(res.statusCode, JSON.stringify(res.data)).toBeLessThan(500);
    const { rows } = await t.ctx.database.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM invitations WHERE org_id = $1 AND status IN ('prospect', 'pending')`,
      [o.org.id],
    );
    expect(rows[0]?.open).toBe(1);
  });
});
