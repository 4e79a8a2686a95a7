import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../server/test/dns-server';
import { startIdp, type TestIdp } from '../../server/test/oidc-provider';
import { apiFromPage, ownerWithOrg, pickOption } from './flows';
import { baseUrl, checkA11y, closeBrowser, newPage } from './support';

// A real OpenID provider (oidc-provider) on loopback, and the DNS server global-setup pointed the app at.
let dns: TestDnsServer;
let idp: TestIdp;
beforeAll(async () => {
  dns = await startDnsServer({ port: inject('dnsPort') });
  idp = await startIdp({ redirectUri: `${baseUrl()}/api/v1/auth/sso/callback` });
});
afterAll(async () => {
  await closeBrowser();
  await idp.close();
  await dns.close();
});

describe('[SSO]', () => {
  it('[SSO] an admin adds a connection for a verified domain; a new person signs in email-first and lands home as a member', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Initech Academy');
    const domain = `initech-${Date.now().toString(36)}.test`;
    // The domain, verified through the domains API and the loopback DNS.
    const added = await apiFromPage<{ id: string; verificationRecord: { value: string } }>(admin, 'POST', `/api/v1/orgs/${orgId}/domains`, {
      domain,
    });
    expect(added.status).toBe(201);
    dns.setTxt(domain, [added.body.verificationRecord.value]);
    expect((await apiFromPage(admin, 'POST', `/api/v1/orgs/${orgId}/domains/${added.body.id}/verify`)).status).toBe(200);

    // Settings → Single sign-on: add the connection.
    await admin.goto(`/orgs/${orgId}/settings`);
    const card = admin.getByRole('region', { name: 'Single sign-on' });
    await card.getByRole('button', { name: 'Add a connection' }).click();
    await card.getByRole('textbox', { name: /^Name/ }).fill('Initech IdP');
    await card.getByLabel('Issuer URL').fill(idp.issuer);
    await card.getByLabel('Client id').fill(idp.clients[0]!.id);
    await card.getByLabel('Client secret').fill(idp.clients[0]!.secret);
    await pickOption(admin, 'Verified domains that sign in with it', domain);
    await admin.keyboard.press('Escape');
    await card.getByRole('button', { name: 'Save the connection' }).click();
    await card.getByRole('cell', { name: 'Initech IdP' }).waitFor();
    await checkA11y(admin);

    // A new person: email first, then the company's provider, then home as a member.
    const email = `milton-${Date.now().toString(36)}@${domain}`;
    idp.setAccount({ sub: `milton-${Date.now()}`, email, email_verified: true, name: 'Milton Waddams', locale: 'en' });
    const person = await newPage();
    await person.goto('/sign-in');
    await person.getByLabel('Email address').fill(email);
    await person.getByLabel('Email address').press('Tab');
    const go = person.getByRole('button', { name: 'Sign in with Initech Academy' });
    await go.waitFor();
    await checkA11y(person);
    await go.click();
    await person.waitForURL((url) => url.origin === baseUrl() && !url.pathname.startsWith('/sign-in') && !url.pathname.startsWith('/api/'));
    await person.getByRole('heading', { level: 2, name: 'Initech Academy' }).waitFor();
  });
});
