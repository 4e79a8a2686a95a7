import { afterAll, describe, expect, it } from 'vitest';
import { ownerWithOrg } from './flows';
import { checkA11y, closeBrowser, newPage } from './support';

afterAll(closeBrowser);

describe('[SCIM]', () => {
  it('[SCIM] an owner turns provisioning on, copies a token shown once, and reads what the identity provider did', async () => {
    const page = await newPage();
    await ownerWithOrg(page, 'Contoso Learning');
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Settings' }).click();
    const card = page.getByRole('region', { name: 'Provisioning (SCIM)' });
    // The switch follows the saved setting: it turns on once the server has it.
    await card.getByRole('switch', { name: 'Provisioning is on' }).click();
    const baseUrl = card.getByLabel('SCIM base URL (tenant URL)');
    await baseUrl.waitFor();
    expect(await baseUrl.textContent()).toMatch(/\/scim\/v2$/);
    await card.getByRole('button', { name: 'Create a token' }).click();
    const tokenCode = card.getByLabel('SCIM bearer token');
    await tokenCode.waitFor();
    const token = (await tokenCode.textContent()) ?? '';
    expect(token).toMatch(/^scim_/);
    await card
      .getByRole('table', { name: 'SCIM tokens' })
      .getByText(`${token.slice(0, 13)}…`)
      .waitFor();

    // The identity provider provisions someone, the way Entra ID sends it.
    const status = await page.evaluate(async (bearer) => {
      const res = await fetch('/scim/v2/Users', {
        method: 'POST',
        credentials: 'omit', // an identity provider has no session cookie
        headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/scim+json; charset=utf-8' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `ada.${Date.now()}@contoso.example`,
          active: true,
        }),
      });
      return res.status;
    }, token);
    expect(status).toBe(201);

    // After a reload the token is gone from the page; the log shows the request.
    await page.reload();
    await card.getByRole('table', { name: 'SCIM tokens' }).waitFor();
    expect(await card.getByLabel('SCIM bearer token').count()).toBe(0);
    const log = card.getByRole('table', { name: 'Provisioning log' });
    await log.getByRole('cell', { name: 'Create' }).waitFor();
    await log.getByText('201').waitFor();
    await checkA11y(page);
  });
});
