import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { lastMail, PASSWORD, signUp } from '../../../test/factories.js';
import { expectStatus, orgWithOwner, setMembershipStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { admitProvenAddress, type Grant } from './admission.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// biome-ignore lint/suspicious/noExplicitAny: tests read raw SQL rows loosely and check them with expect
const rows = async (q: ReturnType<typeof sql>) => ((await t.ctx.db.execute(q)) as any).rows as any[];

/** An organization with a group attached to an open session, and its join page on (offering that group). */
async function place() {
  const o = await orgWithOwner(t);
  const group = await o.group(`Sales ${uid()}`);
  const session = await o.session((await o.program()).id);
  await o.attach(group.id, session.id);
  const slug = `acme-${uid()}`;
  expectStatus(
    await o.owner.agent.put(`${o.base}/join-page`, { enabled: true, slug, allowedDomains: [], groupIds: [group.id], locationIds: [] }),
    200,
  );
  return { ...o, group, session, slug };
}
type Place = Awaited<ReturnType<typeof place>>;

/** The invitation link mailed to `email` by the organization. */
async function invitationLink(p: Place, email: string) {
  expectStatus(await p.owner.agent.post(`${p.base}/invitations`, { emails: [email], groupIds: [p.group.id], role: 'learner' }), 201);
  return `/api/v1/invitations/${(await lastMail(t, email))!.token}`;
}

/** The verification link the join page mails to `email`. */
async function joinLink(p: Place, email: string) {
  expectStatus(await new Agent(t.app).post(`/api/v1/join/${p.slug}`, { email, groupId: p.group.id }), 202);
  return `/api/v1/join/${p.slug}/verify/${(await lastMail(t, email))!.token}`;
}

const SAME_ACTION: Record<string, string> = {
  'invitation.accepted': 'admitted',
  'joinpage.joined': 'admitted',
  'account.registered_from_invitation': 'registered',
  'account.registered_from_join_page': 'registered',
};

/** Everything a person's way in leaves in one organization, with the path's own names made alike. */
async function outcome(p: Place, email: string) {
  const [account] = await rows(
    sql`SELECT id, name, locale, verified_at IS NOT NULL AS verified, password_hash IS NOT NULL AS "hasPassword" FROM accounts WHERE email_key = ${email}`,
  );
  const { id, ...who } = account;
  const [membership] = await rows(sql`SELECT role, status, managed FROM memberships WHERE org_id = ${p.org.id} AND account_id = ${id}`);
  const groups = await rows(
    sql`SELECT group_id = ${p.group.id} AS offered FROM group_members WHERE org_id = ${p.org.id} AND account_id = ${id}`,
  );
  const enrolments = await rows(
    sql`SELECT session_id = ${p.session.id} AS attached, percent FROM enrolments WHERE org_id = ${p.org.id} AND account_id = ${id}`,
  );
  const invitations = await rows(
    sql`SELECT status, account_id = ${id} AS "byThem", accepted_at IS NOT NULL AS accepted FROM invitations WHERE org_id = ${p.org.id} AND email_key = ${email}`,
  );
  const audit = await rows(sql`SELECT action, data FROM audit_events WHERE org_id = ${p.org.id} AND actor_id = ${id} ORDER BY action`);
  return {
    who,
    membership,
    groups,
    enrolments,
    invitations,
    audit: audit
      .map((e) => ({ action: SAME_ACTION[e.action] ?? e.action, data: { ...e.data, groupIds: e.data.groupIds?.length } }))
      .sort((a, b) => a.action.localeCompare(b.action)),
  };
}

describe('one way in for every link that proves an address', () => {
  it('a new person who registers from an invitation link or from a join-page link ends the same', async () => {
    const [a, b] = [await place(), await place()];
    const [viaInvitation, viaJoinPage] = [`inv-${uid()}@example.com`, `join-${uid()}@example.com`];
    const body = { name: 'Nina', password: PASSWORD, locale: 'fr' };
    expectStatus(await new Agent(t.app).post(`${await invitationLink(a, viaInvitation)}/register`, body), 201);
    expectStatus(await new Agent(t.app).post(`${await joinLink(b, viaJoinPage)}/register`, body), 201);

    const one = await outcome(a, viaInvitation);
    expect(one).toMatchObject({
      who: { name: 'Nina', locale: 'fr', verified: true, hasPassword: true },
      membership: { role: 'learner', status: 'active', managed: false },
      groups: [{ offered: true }],
      enrolments: [{ attached: true, percent: 0 }],
      invitations: [{ status: 'active', byThem: true, accepted: true }],
    });
    expect(one.audit.map((e) => e.action)).toEqual(['admitted', 'registered']);
    expect(await outcome(b, viaJoinPage)).toEqual(one);
  });

  it('the same signed-in person accepting an invitation link and a join-page link gets the same membership, groups, enrolments and audit', async () => {
    const [a, b] = [await place(), await place()];
    const person = await signUp(t, { name: 'Sam' });
    expectStatus(await person.agent.post(`${await invitationLink(a, person.email)}/accept`), 200);
    expectStatus(await person.agent.post(`${await joinLink(b, person.email)}/accept`), 200);

    const one = await outcome(a, person.email);
    expect(one).toMatchObject({
      membership: { role: 'learner', status: 'active' },
      groups: [{ offered: true }],
      enrolments: [{ attached: true }],
    });
    expect(one.audit).toEqual([{ action: 'admitted', data: { role: 'learner', groupIds: 1, locationId: null, newMember: true } }]);
    expect(await outcome(b, person.email)).toEqual(one);
  });

  it('an identity provider can call it: find-or-create makes the account once and the membership once, and a refused archive stays archived', async () => {
    const p = await place();
    const email = `sso-${uid()}@example.com`;
    const grant: Grant = { orgId: p.org.id, role: 'learner', source: 'direct', groupIds: [p.group.id], archived: 'refuse' };
    const admit = () =>
      t.ctx.db.transaction((tx) =>
        admitProvenAddress(tx, {
          address: { email, emailKey: email },
          person: {
            kind: 'find-or-create',
            name: 'Ida',
            passwordHash: null,
            signInTo: 'join',
            registeredAction: 'account.registered_from_sso',
          },
          grant,
          proof: { action: 'sso.signed_in', targetType: 'account', targetId: email },
          now: t.clock.now(),
          jobs: t.ctx.jobs,
        }),
      );
    const first = await admit();
    expect(first).toMatchObject({ accountCreated: true, newMember: true, role: 'learner' });
    expect(await admit()).toEqual({ ...first, accountCreated: false, newMember: false });
    const [counts] = await rows(
      sql`SELECT (SELECT count(*)::int FROM accounts WHERE email_key = ${email}) AS accounts,
                 (SELECT count(*)::int FROM memberships WHERE org_id = ${p.org.id} AND account_id = ${first.accountId}) AS memberships,
                 (SELECT count(*)::int FROM enrolments WHERE org_id = ${p.org.id} AND account_id = ${first.accountId}) AS enrolments`,
    );
    expect(counts).toEqual({ accounts: 1, memberships: 1, enrolments: 1 });

    await setMembershipStatus(t, p.org.id, first.accountId, 'archived');
    await expect(admit()).rejects.toMatchObject({ status: 403, code: 'membership_archived' });
    const [m] = await rows(sql`SELECT status FROM memberships WHERE org_id = ${p.org.id} AND account_id = ${first.accountId}`);
    expect(m.status).toBe('archived');
  });
});
