import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../test/agent.js';
import { PASSWORD, addMember, createOrg, lastMail, signUp } from '../../../test/factories.js';
import { PNG_1PX, expectStatus, multipart, orgWithOwner, setMembershipStatus, upload } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp, uid } from '../../../test/harness.js';
import { queryRows } from '../../lib/sql.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const rows = (q: ReturnType<typeof sql>) => queryRows<Record<string, unknown>>(t.ctx.db, q);

/** An organization with a group (attached to an ongoing session), a location, and its join page on. */
async function withPage(o: { allowedDomains?: string[]; app?: TestApp } = {}) {
  const app = o.app ?? t;
  const org = await orgWithOwner(app);
  const group = await org.group(`Sales ${uid()}`, { welcomeMessage: 'Welcome to sales' });
  const other = await org.group(`Support ${uid()}`);
  const location = expectStatus(await org.owner.agent.post(`${org.base}/locations`, { name: `Lyon ${uid()}` }), 201).data as {
    id: string;
    name: string;
  };
  const slug = `acme-${uid()}`;
  const saved = expectStatus(
    await org.owner.agent.put(`${org.base}/join-page`, {
      enabled: true,
      slug,
      allowedDomains: o.allowedDomains ?? [],
      groupIds: [group.id, other.id],
      locationIds: [location.id],
    }),
    200,
  ).data;
  return { ...org, newGroup: org.group, group, other, location, slug, saved, url: `/api/v1/join/${slug}` };
}

const join = (slug: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new Agent(t.app).post(`/api/v1/join/${slug}`, body, headers);

describe('settings', () => {
  it('starts off with the organization’s slug; saves normalized domains, groups and locations; answers the public URL', async () => {
    const o = await orgWithOwner(t);
    const initial = expectStatus(await o.owner.agent.get(`${o.base}/join-page`), 200).data;
    expect(initial).toMatchObject({ enabled: false, slug: o.org.slug, allowedDomains: [], groupIds: [], locationIds: [], updatedAt: null });
    const group = await o.group('Sales');
    const slug = `acme-sales-${uid()}`;
    const res = expectStatus(
      await o.owner.agent.put(`${o.base}/join-page`, {
        enabled: true,
        slug: `  ${slug.toUpperCase()} `,
        allowedDomains: ['Example.COM.', '*.exämple.com', 'example.com', ''],
        groupIds: [group.id],
        locationIds: [],
      }),
      200,
    ).data;
    expect(res).toMatchObject({
      enabled: true,
      slug,
      allowedDomains: ['example.com', '*.xn--exmple-cua.com'],
      groupIds: [group.id],
      locationIds: [],
      url: `http://troupe.test/join/${slug}`,
    });
    expect((await o.owner.agent.get(`${o.base}/join-page`)).data).toMatchObject({
      enabled: true,
      slug,
      allowedDomains: ['example.com', '*.xn--exmple-cua.com'],
    });
    const [event] = (await o.owner.agent.get(`${o.base}/audit-events`)).data.items.filter((e: { action: string }) =>
      e.action.startsWith('joinpage.'),
    );
    expect(event).toMatchObject({ action: 'joinpage.enabled', targetType: 'join_page' });
  });

  it('refuses invalid domain entries with a 422 naming allowedDomains, and enabling without a group', async () => {
    const o = await orgWithOwner(t);
    const bad = await o.owner.agent.put(`${o.base}/join-page`, {
      enabled: false,
      slug: `x-${uid()}`,
      allowedDomains: ['example.com', 'not a domain', '@example.com', '*', 'localhost'],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.data.error.details.fields.allowedDomains).toBeTruthy();
    expect(bad.data.error.details.invalid).toEqual(['not a domain', '@example.com', '*', 'localhost']);
    const noGroup = await o.owner.agent.put(`${o.base}/join-page`, { enabled: true, slug: `x-${uid()}`, allowedDomains: [], groupIds: [] });
    expect(noGroup.statusCode).toBe(422);
    expect(noGroup.data.error).toMatchObject({ code: 'groups_required', details: { fields: { groupIds: expect.any(String) } } });
  });

  it('checks the slug: format, reserved words, taken by another organization (409 slug_taken)', async () => {
    const o = await orgWithOwner(t);
    const group = await o.group('G');
    const put = (slug: unknown) => o.owner.agent.put(`${o.base}/join-page`, { enabled: true, slug, groupIds: [group.id] });
    for (const slug of ['a', 'has space', 'under_score', '-lead', 'trail-', 'dou--ble', 'é-accent', 'x'.repeat(51), 42]) {
      const res = await put(slug);
      expect(res.statusCode, String(slug)).toBe(422);
      expect(res.data.error.details.fields.slug, String(slug)).toBeTruthy();
    }
    for (const slug of ['code', 'api', 'join', 'verify', 'admin']) {
      const res = await put(slug);
      expect(res.statusCode, slug).toBe(422);
      expect(res.data.error.code).toBe('slug_reserved');
    }
    const first = await withPage();
    const taken = await put(first.slug);
    expect(taken.statusCode).toBe(409);
    expect(taken.data.error).toMatchObject({ code: 'slug_taken', details: { fields: { slug: expect.any(String) } } });
    // Another organization's own slug is its default join address: not available either.
    const other = await createOrg(t);
    expect((await put(other.org.slug)).data.error.code).toBe('slug_taken');
    // The organization's own slug is fine.
    expectStatus(await put(o.org.slug), 200);
  });

  it('refuses unknown fields, another organization’s groups and archived locations', async () => {
    const o = await withPage();
    const strict = await o.owner.agent.put(`${o.base}/join-page`, { enabled: true, slug: o.slug, groupIds: [o.group.id], orgId: o.org.id });
    expect(strict.statusCode).toBe(422);
    const elsewhere = await orgWithOwner(t);
    const foreign = await elsewhere.group('Foreign');
    const res = await o.owner.agent.put(`${o.base}/join-page`, { enabled: true, slug: o.slug, groupIds: [foreign.id] });
    expect(res.data.error).toMatchObject({ code: 'unknown_group', details: { fields: { groupIds: expect.any(String) } } });
    await o.owner.agent.patch(`${o.base}/locations/${o.location.id}`, { archived: true });
    const archived = await o.owner.agent.put(`${o.base}/join-page`, { enabled: true, slug: o.slug, locationIds: [o.location.id] });
    expect(archived.data.error.code).toBe('unknown_location');
    // An archived location is no longer offered.
    expect((await o.owner.agent.get(`${o.base}/join-page`)).data.locationIds).toEqual([]);
    expect((await new Agent(t.app).get(o.url)).data.locations).toEqual([]);
  });

  it('a limited manager may read the settings but not change them (403); a learner may do neither; another organization sees a 404', async () => {
    const o = await withPage();
    const limited = await addMember(t, o.org.id, 'manager_limited');
    expectStatus(await limited.agent.get(`${o.base}/join-page`), 200);
    const put = await limited.agent.put(`${o.base}/join-page`, { enabled: false, slug: o.slug });
    expect(put.statusCode).toBe(403);
    const full = await addMember(t, o.org.id, 'manager_full');
    expectStatus(await full.agent.put(`${o.base}/join-page`, { enabled: true, slug: o.slug }), 200);
    const learner = await addMember(t, o.org.id, 'learner');
    expect((await learner.agent.get(`${o.base}/join-page`)).statusCode).toBe(403);
    const stranger = await createOrg(t);
    expect((await stranger.owner.agent.get(`${o.base}/join-page`)).statusCode).toBe(404);
  });
});

describe('the public page', () => {
  it('shows the organization, the groups in the order chosen, the locations and the logo of the first offered group that has one', async () => {
    const o = await withPage();
    let page = expectStatus(await new Agent(t.app).get(o.url), 200).data;
    expect(page).toMatchObject({
      slug: o.slug,
      organization: { name: o.org.name },
      branding: { logoUrl: null },
      allowedDomains: [],
      groups: [
        { id: o.group.id, name: o.group.name, welcomeMessage: 'Welcome to sales' },
        { id: o.other.id, name: o.other.name },
      ],
      locations: [{ id: o.location.id, name: o.location.name }],
    });
    expect(JSON.stringify(page)).not.toContain(o.org.id);
    expectStatus(
      await upload(o.owner.agent, `${o.base}/groups/${o.other.id}/logo`, multipart('file', 'logo.png', 'image/png', PNG_1PX)),
      200,
    );
    page = (await new Agent(t.app).get(`/api/v1/join/${o.slug.toUpperCase()}`)).data;
    expect(page.branding.logoUrl).toMatch(new RegExp(`^/api/v1/join/${o.slug}/logo\\?v=`));
    const logo = await new Agent(t.app).get(page.branding.logoUrl);
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
  });

  it('a disabled page and an unknown slug answer the same 404 join_page_unavailable, for the page, the logo and joining', async () => {
    const o = await withPage();
    expectStatus(await o.owner.agent.put(`${o.base}/join-page`, { enabled: false, slug: o.slug }), 200);
    const anon = new Agent(t.app);
    const disabled = await anon.get(o.url);
    const unknown = await anon.get(`/api/v1/join/nobody-${uid()}`);
    expect(disabled.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(disabled.data).toEqual(unknown.data);
    expect(disabled.data.error.code).toBe('join_page_unavailable');
    const post = await join(o.slug, { email: `x-${uid()}@example.com`, groupId: o.group.id });
    expect(post.statusCode).toBe(404);
    expect(post.data).toEqual(unknown.data);
    expect((await anon.get(`${o.url}/logo`)).data).toEqual(unknown.data);
    // A page whose groups were all deleted is unavailable too.
    const p = await withPage();
    await p.owner.agent.delete(`${p.base}/groups/${p.group.id}`);
    await p.owner.agent.delete(`${p.base}/groups/${p.other.id}`);
    expect((await anon.get(p.url)).data).toEqual(unknown.data);
  });
});

describe('the allow-list', () => {
  const refused: [string, string][] = [
    ['a@example.com.evil.com', 'domain_not_allowed'],
    ['a@evil-example.com', 'domain_not_allowed'],
    ['a@sub.example.com', 'domain_not_allowed'],
    ['"a@example.com"@evil.com', 'invalid_email'],
    ['a@evil.com (a@example.com)', 'invalid_email'],
    ['a@ex\u0430mple.com', 'domain_not_allowed'], // Cyrillic а
    ['a@example.com@evil.com', 'invalid_email'],
    ['a@example.com\nbcc@evil.com', 'invalid_email'],
    ['a\n@example.com', 'invalid_email'],
    ['a@exam\nple.com', 'invalid_email'],
    ['a@example.com\r\nBcc: b@evil.com', 'invalid_email'],
    ['a@example.co', 'domain_not_allowed'],
    ['a@xample.com', 'domain_not_allowed'],
    ['not an address', 'invalid_email'],
  ];

  it('with only example.com allowed, refuses each look-alike with 422 and the right code, and sends nothing', async () => {
    const o = await withPage({ allowedDomains: ['example.com'] });
    for (const [email, code] of refused) {
      const res = await join(o.slug, { email, groupId: o.group.id });
      expect(res.statusCode, JSON.stringify(email)).toBe(422);
      expect(res.data.error.code, JSON.stringify(email)).toBe(code);
      expect(res.data.error.details.fields.email, JSON.stringify(email)).toBeTruthy();
    }
    const arr = await join(o.slug, { email: ['a@example.com', 'b@evil.com'], groupId: o.group.id });
    expect(arr.statusCode).toBe(422);
    const [n] = await rows(sql`SELECT count(*)::int AS n FROM invitations WHERE org_id = ${o.org.id}`);
    expect(n?.n).toBe(0);
  });

  it('allows A@EXAMPLE.COM, a+tag@example.com and a@example.com. (202), each recorded as a join_page invitation', async () => {
    const o = await withPage({ allowedDomains: ['example.com'] });
    for (const email of ['A@EXAMPLE.COM', 'a+tag@example.com', 'a@example.com.']) {
      const res = await join(o.slug, { email, groupId: o.group.id });
      expect(res.statusCode, email).toBe(202);
      expect(res.data).toEqual({ status: 'verification_sent' });
    }
    // A@EXAMPLE.COM and a@example.com. are one address (ASCII case, trailing dot): one request, refreshed.
    const invs = await rows(sql`SELECT email, email_key AS key, kind, role FROM invitations WHERE org_id = ${o.org.id} ORDER BY email_key`);
    expect(invs.map((i) => i.key)).toEqual(['a+tag@example.com', 'a@example.com']);
    expect(invs.map((i) => i.email)).toEqual(['a+tag@example.com', 'a@example.com']);
    expect(new Set(invs.map((i) => `${i.kind}:${i.role}`))).toEqual(new Set(['join_page:learner']));
    expect((await lastMail(t, 'a@example.com'))?.link).toMatch(
      new RegExp(`^http://troupe\\.test/join/${o.slug}/verify\\?token=[\\w-]{43}$`),
    );
  });

  it('*.example.com allows sub-domains only; example.com itself only when listed too; an empty list allows anyone', async () => {
    const sub = await withPage({ allowedDomains: ['*.example.com'] });
    expect((await join(sub.slug, { email: `w-${uid()}@sales.example.com`, groupId: sub.group.id })).statusCode).toBe(202);
    expect((await join(sub.slug, { email: `w-${uid()}@a.b.example.com`, groupId: sub.group.id })).statusCode).toBe(202);
    expect((await join(sub.slug, { email: `w-${uid()}@example.com`, groupId: sub.group.id })).data.error.code).toBe('domain_not_allowed');
    expect((await join(sub.slug, { email: `w-${uid()}@badexample.com`, groupId: sub.group.id })).data.error.code).toBe(
      'domain_not_allowed',
    );
    const both = await withPage({ allowedDomains: ['example.com', '*.example.com'] });
    expect((await join(both.slug, { email: `w-${uid()}@example.com`, groupId: both.group.id })).statusCode).toBe(202);
    const idn = await withPage({ allowedDomains: ['exämple.com'] });
    expect((await join(idn.slug, { email: `w-${uid()}@EXÄMPLE.com`, groupId: idn.group.id })).statusCode).toBe(202);
    expect((await join(idn.slug, { email: `w-${uid()}@xn--exmple-cua.com`, groupId: idn.group.id })).statusCode).toBe(202);
    const open = await withPage();
    expect((await join(open.slug, { email: `w-${uid()}@anything.org`, groupId: open.group.id })).statusCode).toBe(202);
  });

  it('refuses a group or a location the page does not offer, and unknown fields', async () => {
    const o = await withPage();
    const hidden = await o.newGroup('Not offered');
    const email = `g-${uid()}@example.com`;
    expect((await join(o.slug, { email, groupId: hidden.id })).data.error).toMatchObject({
      code: 'unknown_group',
      details: { fields: { groupId: expect.any(String) } },
    });
    const loc = expectStatus(await o.owner.agent.post(`${o.base}/locations`, { name: `Paris ${uid()}` }), 201).data;
    expect((await join(o.slug, { email, groupId: o.group.id, locationId: loc.id })).data.error.code).toBe('unknown_location');
    expect((await join(o.slug, { email, groupId: o.group.id, role: 'admin' })).statusCode).toBe(422);
    expect((await join(o.slug, { email, groupId: o.group.id, orgId: o.org.id })).statusCode).toBe(422);
  });
});

describe('verifying and joining', () => {
  it('a new person verifies through the mailbox, registers (address fixed), lands as an active learner from the join page in the group and its programs', async () => {
    const o = await withPage({ allowedDomains: ['example.com'] });
    const program = await o.program('Onboarding');
    const session = await o.session(program.id);
    await o.attach(o.group.id, session.id);
    const email = `new-${uid()}@example.com`;
    expectStatus(await join(o.slug, { email, groupId: o.group.id, locationId: o.location.id }), 202);
    const mail = await lastMail(t, email);
    expect(mail!.subject).toContain(o.org.name);
    expect(mail!.text).toContain(o.group.name);
    // The admin sees the request as pending, from the join page.
    const pending = (await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(email)}`)).data.items;
    expect(pending).toEqual([expect.objectContaining({ status: 'pending', source: 'join_page', name: null })]);

    const a = new Agent(t.app);
    const link = `/api/v1/join/${o.slug}/verify/${mail!.token}`;
    const view = expectStatus(await a.get(link), 200).data;
    expect(view).toMatchObject({
      state: 'open',
      email,
      accountExists: false,
      slug: o.slug,
      organization: { name: o.org.name },
      group: { id: o.group.id, name: o.group.name },
      location: { id: o.location.id },
    });
    // Opening the link never consumes it.
    expect((await a.get(link)).data.state).toBe('open');
    // The body cannot choose another address, role or organization.
    expect((await a.post(`${link}/register`, { name: 'Nina', password: PASSWORD, email: 'other@evil.com' })).statusCode).toBe(422);
    const reg = expectStatus(await a.post(`${link}/register`, { name: 'Nina', password: PASSWORD, locale: 'fr' }), 201);
    expect(reg.data).toEqual({ status: 'joined', orgId: o.org.id, groupId: o.group.id, alreadyAccepted: false });

    const me = expectStatus(await a.get('/api/v1/me'), 200).data;
    expect(me.account).toMatchObject({ email, name: 'Nina', locale: 'fr' });
    expect(me.account.verifiedAt).toBeTruthy();
    expect(me.memberships).toEqual([expect.objectContaining({ orgId: o.org.id, role: 'learner' })]);
    const mine = (await a.get('/api/v1/me/enrolments')).data.items;
    expect(mine.map((e: { sessionId: unknown }) => e.sessionId)).toEqual([session.id]);
    const [gm] = await rows(
      sql`SELECT count(*)::int AS n FROM group_members WHERE group_id = ${o.group.id} AND account_id = ${me.account.id}`,
    );
    expect(gm?.n).toBe(1);
    const members = (await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(email)}`)).data.items;
    expect(members).toEqual([expect.objectContaining({ status: 'active', source: 'join_page', name: 'Nina', role: 'learner' })]);

    // Single use: the link now says so, and registering again is refused.
    expect((await new Agent(t.app).get(link)).data.state).toBe('accepted');
    const again = await new Agent(t.app).post(`${link}/register`, { name: 'Nina', password: PASSWORD });
    expect(again.statusCode).toBe(409);
    const actions = (await o.owner.agent.get(`${o.base}/audit-events`)).data.items.map((e: { action: unknown }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['joinpage.requested', 'joinpage.joined', 'account.registered_from_join_page']));
    // The token is stored hashed only.
    const [tok] = await rows(sql`SELECT token_hash FROM invitation_tokens WHERE token_hash = ${mail!.token}`);
    expect(tok).toBeUndefined();
  });

  it('answers the same 202 for an existing account; that account signs in and confirms; another account is refused with email_mismatch; two tabs give one membership', async () => {
    const o = await withPage();
    const existing = await signUp(t, { name: 'Existing Person' });
    const fresh = `fresh-${uid()}@example.com`;
    const r1 = await join(o.slug, { email: existing.email, groupId: o.other.id });
    const r2 = await join(o.slug, { email: fresh, groupId: o.other.id });
    expect([r1.statusCode, r1.body]).toEqual([r2.statusCode, r2.body]);
    const mail = await lastMail(t, existing.email);
    const link = `/api/v1/join/${o.slug}/verify/${mail!.token}`;
    const view = (await new Agent(t.app).get(link)).data;
    expect(view).toMatchObject({ state: 'open', accountExists: true, email: existing.email });
    // The organization sees the address only, never the account's name, until the person joins.
    expect(JSON.stringify((await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(existing.email)}`)).data)).not.toContain(
      'Existing Person',
    );

    expect((await new Agent(t.app).post(`${link}/accept`)).statusCode).toBe(401);
    const other = await signUp(t);
    const wrong = await other.agent.post(`${link}/accept`);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.data.error.code).toBe('email_mismatch');
    expect(wrong.data.error.message).toContain(existing.email);
    expect((await new Agent(t.app).post(`${link}/register`, { name: 'Impostor', password: PASSWORD })).data.error.code).toBe(
      'account_exists',
    );

    const [a, b] = await Promise.all([existing.agent.post(`${link}/accept`), existing.agent.post(`${link}/accept`)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect([a.data.alreadyAccepted, b.data.alreadyAccepted].sort()).toEqual([false, true]);
    const [m] = await rows(
      sql`SELECT count(*)::int AS n, max(source) AS source, max(status) AS status FROM memberships WHERE org_id = ${o.org.id} AND account_id = ${existing.id}`,
    );
    expect(m).toEqual({ n: 1, source: 'join_page', status: 'active' });
    expect((await other.agent.post(`${link}/accept`)).statusCode).toBe(409);
  });

  it('one person joining twice ends as one membership (and one row in the members list); a second request replaces the first link', async () => {
    const o = await withPage();
    const email = `twice-${uid()}@example.com`;
    await join(o.slug, { email, groupId: o.group.id });
    const first = await lastMail(t, email);
    await join(o.slug, { email: email.toUpperCase().replace('@EXAMPLE.COM', '@example.com'), groupId: o.other.id });
    const second = await lastMail(t, email);
    expect(second!.token).not.toBe(first!.token);
    const anon = new Agent(t.app);
    expect((await anon.get(`/api/v1/join/${o.slug}/verify/${first!.token}`)).data.state).toBe('replaced');
    const [inv] = await rows(sql`SELECT count(*)::int AS n FROM invitations WHERE org_id = ${o.org.id} AND kind = 'join_page'`);
    expect(inv?.n).toBe(1);
    const reg = await anon.post(`/api/v1/join/${o.slug}/verify/${first!.token}/register`, { name: 'Old', password: PASSWORD });
    expect(reg.data.error.code).toBe('join_link_replaced');
    expectStatus(await anon.post(`/api/v1/join/${o.slug}/verify/${second!.token}/register`, { name: 'Twice', password: PASSWORD }), 201);

    // Joining again once a member: the same 202, and a verified link adds the group without a second membership.
    const again = await join(o.slug, { email, groupId: o.group.id });
    expect(again.statusCode).toBe(202);
    const third = await lastMail(t, email);
    expectStatus(await anon.post(`/api/v1/join/${o.slug}/verify/${third!.token}/accept`), 200);
    const [m] = await rows(
      sql`SELECT count(*)::int AS n FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.org_id = ${o.org.id} AND a.email_key = ${email}`,
    );
    expect(m?.n).toBe(1);
    const groups = await rows(
      sql`SELECT gm.group_id FROM group_members gm JOIN accounts a ON a.id = gm.account_id WHERE gm.org_id = ${o.org.id} AND a.email_key = ${email}`,
    );
    expect(groups.map((g) => g.group_id).sort()).toEqual([o.group.id, o.other.id].sort());
    const list = (await o.owner.agent.get(`${o.base}/members?q=${encodeURIComponent(email)}`)).data.items;
    expect(list).toHaveLength(1);
  });

  it('an archived member cannot come back through the page; the page answers 202 all the same', async () => {
    const o = await withPage();
    const learner = await addMember(t, o.org.id, 'learner');
    await setMembershipStatus(t, o.org.id, learner.id, 'archived');
    expect((await join(o.slug, { email: learner.email, groupId: o.group.id })).statusCode).toBe(202);
    const mail = await lastMail(t, learner.email);
    const res = await learner.agent.post(`/api/v1/join/${o.slug}/verify/${mail!.token}/accept`);
    expect(res.statusCode).toBe(403);
    expect(res.data.error.code).toBe('membership_archived');
    const [m] = await rows(sql`SELECT status FROM memberships WHERE org_id = ${o.org.id} AND account_id = ${learner.id}`);
    expect(m?.status).toBe('archived');
  });

  it('links expire after 24 hours, stop working when the page is turned off, and unknown or other invitation tokens are not found', async () => {
    const o = await withPage();
    const email = `late-${uid()}@example.com`;
    await join(o.slug, { email, groupId: o.group.id });
    const mail = await lastMail(t, email);
    const link = `/api/v1/join/${o.slug}/verify/${mail!.token}`;
    const anon = new Agent(t.app);
    t.clock.advance(25 * 3600_000);
    try {
      expect((await anon.get(link)).data.state).toBe('expired');
      const res = await anon.post(`${link}/register`, { name: 'Late', password: PASSWORD });
      expect(res.statusCode).toBe(410);
      expect(res.data.error.code).toBe('join_link_expired');
    } finally {
      t.clock.advance(-25 * 3600_000);
    }
    expectStatus(await o.owner.agent.put(`${o.base}/join-page`, { enabled: false, slug: o.slug }), 200);
    const off = await anon.get(link);
    expect(off.statusCode).toBe(404);
    expect(off.data.error.code).toBe('join_page_unavailable');
    expect((await anon.post(`${link}/register`, { name: 'Off', password: PASSWORD })).data.error.code).toBe('join_page_unavailable');

    expect((await anon.get(`/api/v1/join/${o.slug}/verify/${'x'.repeat(43)}`)).data.error.code).toBe('join_link_not_found');
    const invited = `inv-${uid()}@example.com`;
    await o.owner.agent.post(`${o.base}/invitations`, { emails: [invited], groupIds: [o.group.id] });
    const invitation = await lastMail(t, invited);
    expect((await anon.get(`/api/v1/join/${o.slug}/verify/${invitation!.token}`)).data.error.code).toBe('join_link_not_found');
  });
});

describe('rate limits', () => {
  it('limits requests per IP and per address (429 with Retry-After), without telling anything about accounts', async () => {
    // Behind a trusted proxy (TRUST_PROXY), so each request's X-Forwarded-For is its client's address.
    const limited = await createTestApp({ rateLimitMax: 3, env: { TRUST_PROXY: '127.0.0.1' } });
    try {
      const o = await withPage({ app: limited });
      const post = (email: string, ip: string) =>
        new Agent(limited.app).post(`/api/v1/join/${o.slug}`, { email, groupId: o.group.id }, { 'x-forwarded-for': ip });
      // Per IP: three requests, then 429, whatever the address.
      const perIp: number[] = [];
      for (let i = 0; i < 4; i++) perIp.push((await post(`ip-${i}-${uid()}@example.com`, '203.0.113.7')).statusCode);
      expect(perIp).toEqual([202, 202, 202, 429]);
      const blocked = await post(`ip-x-${uid()}@example.com`, '203.0.113.7');
      expect(blocked.headers['retry-after']).toBeTruthy();
      expect(blocked.data.error.code).toBe('rate_limited');
      // Per address: three mails an hour to one address, from any number of IPs.
      const email = `flood-${uid()}@example.com`;
      const perAddress: number[] = [];
      for (let i = 0; i < 4; i++) perAddress.push((await post(email, `198.51.100.${10 + i}`)).statusCode);
      expect(perAddress).toEqual([202, 202, 202, 429]);
      const res = await post(email.toUpperCase().replace('@EXAMPLE.COM', '@example.com'), '198.51.100.99');
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Another address from a fresh IP is not affected.
      expect((await post(`other-${uid()}@example.com`, '198.51.100.200')).statusCode).toBe(202);
    } finally {
      await limited.close();
    }
  });
});
