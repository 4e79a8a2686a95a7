import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg, registerVerified } from './flows';
import { baseUrl, checkA11y, closeBrowser, firstLink, newPage, uniqueEmail, waitForMail } from './support';

afterAll(closeBrowser);

describe('[JOIN PAGE]', () => {
  it('[JOIN PAGE] admin enables the page with an allow-list and copies the link; an outsider is refused; an insider verifies through the mailbox, registers and lands on their home with the group and its program', async () => {
    const admin = await newPage();
    await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() });
    const { orgId } = await ownerWithOrg(admin, 'Acme Sales Academy');

    // Seed what is not the point through the API: a group with a program session, and a location.
    const base = `/api/v1/orgs/${orgId}`;
    const group = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/groups`, {
      name: 'Sales team',
      welcomeMessage: 'Welcome aboard, sellers!',
    });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    const program = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/programs`, { title: 'Sales onboarding' });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const session = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/programs/${program.body.id}/sessions`, {
      opensAt: new Date(Date.now() - 3_600_000).toISOString(),
      closesAt: null,
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    expect((await apiFromPage(admin, 'POST', `${base}/groups/${group.body.id}/assignments`, { sessionId: session.body.id })).status).toBe(
      201,
    );
    expect((await apiFromPage(admin, 'POST', `${base}/locations`, { name: 'Lyon' })).status).toBe(201);

    // The admin turns the page on with an address, an allow-list, the group and the location.
    await admin.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Join page' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Join page' }).waitFor();
    await admin.getByText('This link is public').waitFor();
    await admin.getByRole('switch', { name: 'The join page is on' }).check({ force: true });
    const slug = `acme-sales-${Date.now().toString(36)}`;
    const slugInput = admin.getByRole('textbox', { name: 'Page address' });
    await slugInput.fill('Code');
    await admin.getByText('This address is reserved. Choose another one.').waitFor();
    await slugInput.fill(slug);
    const url = `${baseUrl()}/join/${slug}`;
    await expect.poll(() => admin.getByTestId('join-link-preview').textContent()).toBe(url);
    const domains = admin.getByRole('combobox', { name: 'Allowed email domains' });
    await domains.fill('example.com');
    await domains.press('Enter');
    for (const [label, option] of [
      ['Groups offered', 'Sales team'],
      ['Locations offered', 'Lyon'],
    ] as const) {
      await admin.getByRole('combobox', { name: label }).click();
      await admin.getByRole('option', { name: option }).click();
      await admin.keyboard.press('Escape');
    }
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('The join page is on: share its link.').waitFor();
    await admin.getByRole('link', { name: 'Open the page' }).waitFor();
    await admin.getByRole('button', { name: 'Copy the link' }).click();
    await admin.getByRole('button', { name: 'Link copied' }).waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await checkA11y(admin);

    // An outsider opens the link: the organization first, then one action; an address outside the list is refused.
    // Visitors come from a link on their phone: the page must work at phone width.
    const visitor = await newPage();
    await visitor.setViewportSize({ width: 390, height: 844 });
    await visitor.goto(url);
    await visitor.getByRole('heading', { level: 1, name: 'Join Acme Sales Academy' }).waitFor();
    await visitor.getByText('Sales team').waitFor();
    await visitor.getByText('Lyon').waitFor();
    await visitor.getByText('Use your address at @example.com.').waitFor();
    await visitor.getByRole('textbox', { name: 'Email address' }).fill(`outsider-${Date.now().toString(36)}@evil-example.com`);
    await visitor.getByRole('button', { name: 'Join' }).click();
    await visitor
      .getByText('This page accepts only addresses of the organization’s email domains. Use your work address, or ask for an invitation.')
      .waitFor();
    await checkA11y(visitor);

    // An insider asks, verifies through the mailbox and registers (the address is fixed).
    const email = uniqueEmail('insider');
    await visitor.getByRole('textbox', { name: 'Email address' }).fill(email);
    await visitor.getByRole('button', { name: 'Join' }).click();
    await visitor.getByRole('heading', { name: 'Check your mailbox' }).waitFor();
    const mail = await waitForMail(baseUrl(), email, (m) => m.subject.includes('Acme Sales Academy'));
    const link = firstLink(mail.text);
    expect(link.startsWith(`${url}/verify?token=`)).toBe(true);

    const learner = await newPage();
    await learner.goto(link);
    await learner.getByRole('heading', { level: 1, name: 'Join Acme Sales Academy' }).waitFor();
    await expect.poll(() => learner.getByRole('textbox', { name: 'Email address' }).inputValue()).toBe(email);
    await checkA11y(learner);
    await learner.getByRole('textbox', { name: 'Full name' }).fill('Katherine Johnson');
    await learner.getByRole('textbox', { name: 'Password', exact: true }).fill('correct horse battery');
    await learner.getByRole('button', { name: 'Create my account and join' }).click();
    await learner.waitForURL('**/home');
    await learner.getByRole('heading', { name: 'Sales team' }).waitFor();
    await learner.getByText('Welcome aboard, sellers!').waitFor();
    await learner.getByText('Sales onboarding').first().waitFor();

    // The link worked once; the admin sees the newcomer active, from the join page.
    await learner.goto(link);
    await learner.getByRole('heading', { name: 'You already joined' }).waitFor();
    const members = await apiFromPage<{ items: { email: string; status: string; source: string; role: string }[] }>(
      admin,
      'GET',
      `${base}/members?q=${encodeURIComponent(email)}`,
    );
    expect(members.body.items).toEqual([expect.objectContaining({ email, status: 'active', source: 'join_page', role: 'learner' })]);
  });
  it('[JOIN PAGE] someone who already has an account asks in French, signs in from the link and joins', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Blue Harbor');
    const base = `/api/v1/orgs/${orgId}`;
    const group = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/groups`, { name: 'Quai 7' });
    const slug = `blue-harbor-${Date.now().toString(36)}`;
    const put = await apiFromPage(admin, 'PUT', `${base}/join-page`, {
      enabled: true,
      slug,
      allowedDomains: [],
      groupIds: [group.body.id],
      locationIds: [],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    const person = await newPage({ locale: 'fr-FR' });
    // French chosen in this browser stays after signing in with an account whose language is English.
    await person.addInitScript(() => localStorage.setItem('troupe.language', 'fr'));
    const account = await registerVerified(await newPage(), 'Marie Curie');
    await person.goto(`/join/${slug}`);
    await person.getByRole('heading', { level: 1, name: 'Rejoindre Blue Harbor' }).waitFor();
    await person.getByRole('textbox', { name: 'Adresse e-mail' }).fill(account.email);
    await person.getByRole('button', { name: 'Rejoindre' }).click();
    await person.getByRole('heading', { name: 'Consultez votre messagerie' }).waitFor();
    const mail = await waitForMail(baseUrl(), account.email, (m) => m.subject.includes('Blue Harbor'));
    expect(mail.subject).toBe('Confirmez votre adresse pour rejoindre Blue Harbor');

    await person.goto(firstLink(mail.text));
    await person.getByText(`Vous avez déjà un compte Troupe avec ${account.email}.`, { exact: false }).waitFor();
    await checkA11y(person);
    // Signing in happens right there, as the address of the link; then one confirmation.
    await expect.poll(() => person.getByRole('textbox', { name: 'Adresse e-mail' }).inputValue()).toBe(account.email);
    await person.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(account.password);
    await person.getByRole('button', { name: 'Se connecter pour rejoindre' }).click();
    await person.getByText(`Vous êtes connecté avec ${account.email}. Confirmez pour rejoindre Blue Harbor.`).waitFor();
    await person.getByRole('button', { name: 'Rejoindre Blue Harbor' }).click();
    await person.waitForURL('**/home');
    await person.getByRole('heading', { name: 'Quai 7' }).waitFor();
  });
});
