import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../server/test/dns-server';
import { apiFromPage, ownerWithOrg, pickOption, signIn } from './flows';
import { baseUrl, checkA11y, closeBrowser, firstLink, newPage, waitForMail } from './support';

// The server asks its DNS questions on the port global-setup chose (DNS_SERVERS): this file answers there.
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer({ port: inject('dnsPort') });
});
afterAll(async () => {
  await closeBrowser();
  await dns.close();
});

describe('[DOMAINS]', () => {
  it('[DOMAINS] an admin verifies a domain and sets suggest; a person at it asks to join; approved in Learners → Requests, they are in', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Globex Learning');
    const group = await apiFromPage<{ id: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/groups`, { name: 'Newcomers' });
    expect(group.status).toBe(201);
    const domain = `globex-${Date.now().toString(36)}.test`;

    // Settings → Domains: add, publish the record shown, verify (a wrong record first), choose suggest.
    await admin.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Settings' }).click();
    const card = admin.getByRole('region', { name: 'Domains' });
    await card.getByLabel('Domain').fill(`${domain.toUpperCase()}.`);
    await card.getByRole('button', { name: 'Add domain' }).click();
    await card.getByRole('article', { name: domain }).waitFor();
    const value = (await card.getByTestId('domain-record-value').textContent()) ?? '';
    expect(value).toMatch(/^troupe-verification=/);
    dns.setTxt(domain, ['troupe-verification=not-this-one']);
    await card.getByRole('button', { name: 'Verify' }).click();
    await card.getByText('Records found: troupe-verification=not-this-one').waitFor();
    dns.setTxt(domain, [value]);
    await card.getByRole('button', { name: 'Verify' }).click();
    await card.getByText('Verified', { exact: true }).waitFor();
    await card.getByRole('radio', { name: 'May ask to join' }).check();
    await pickOption(admin, 'Default groups', 'Newcomers');
    await admin.keyboard.press('Escape');
    await card.getByRole('button', { name: 'Save' }).click();
    await admin.getByText(`Saved what ${domain} allows.`).waitFor();
    await checkA11y(admin);

    // A person registers with an address at the domain and asks to join from their page.
    const person = await newPage();
    const email = `pat-${Date.now().toString(36)}@${domain}`;
    const password = 'correct horse battery';
    await person.goto('/register');
    await person.getByLabel('Full name').fill('Pat Newcomer');
    await person.getByLabel('Email address').fill(email);
    await person.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
    await person.getByRole('button', { name: 'Create my account' }).click();
    await person.getByRole('heading', { name: 'Check your mailbox' }).waitFor();
    await person.goto(firstLink((await waitForMail(baseUrl(), email)).text));
    await person.getByRole('button', { name: 'Confirm my address' }).click();
    await person.getByRole('heading', { name: 'Address confirmed' }).waitFor();
    await signIn(person, email, password);
    await person.getByRole('heading', { name: 'Join Globex Learning?' }).waitFor();
    await person.getByRole('button', { name: 'Ask to join' }).click();
    await person.getByText('Your request to join Globex Learning is waiting for approval.', { exact: false }).waitFor();

    // The admin approves in Learners → Requests; the tab shows the count.
    await admin.goto(`/orgs/${orgId}/learners`);
    await admin.getByRole('tab', { name: /Requests/ }).click();
    const table = admin.getByRole('table', { name: 'Join requests' });
    await table.getByRole('cell', { name: email, exact: true }).waitFor();
    await expect(admin.getByRole('tab', { name: /Requests/ }).textContent()).resolves.toContain('1');
    await checkA11y(admin);
    await table.getByRole('button', { name: `Approve ${email}` }).click();
    await admin.getByText('1 request approved', { exact: false }).waitFor();
    await admin.getByText('Nobody is waiting.', { exact: false }).waitFor();

    // The person is in: an email says so, and their home shows the organization and its group.
    const mail = await waitForMail(baseUrl(), email, (m) => m.subject.includes('approved'));
    expect(mail.text).toContain('Newcomers');
    await person.goto('/');
    await person.getByRole('heading', { level: 2, name: 'Globex Learning' }).waitFor();
    await person.getByText('Newcomers').first().waitFor();
  });
});
