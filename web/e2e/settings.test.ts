import { afterAll, describe, expect, it } from 'vitest';
import { ownerWithOrg } from './flows';
import { checkA11y, closeBrowser, newPage } from './support';

afterAll(closeBrowser);

describe('[SETTINGS]', () => {
  it('[SETTINGS] an owner renames the organization, adds a location and reads the audit log', async () => {
    const page = await newPage();
    await ownerWithOrg(page, 'Northwind Academy');

    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();

    const name = page.getByLabel('Organization name');
    await expect.poll(() => name.inputValue()).toBe('Northwind Academy');
    await name.fill('Northwind Learning');
    await page.getByRole('region', { name: 'Organization' }).getByRole('button', { name: 'Save' }).click();
    await page.getByText('The organization is now called Northwind Learning.').waitFor();
    // The switcher follows the new name.
    await page.getByRole('banner').getByText('Northwind Learning').waitFor();

    await page.getByLabel('New location').fill('Lyon');
    await page.getByRole('button', { name: 'Add the location' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Lyon' }).waitFor();

    await page.getByLabel('New location').fill('Lyon');
    await page.getByRole('button', { name: 'Add the location' }).click();
    await page.getByText('A location with this name already exists.').waitFor();

    await page.reload();
    const audit = page.getByRole('table', { name: 'Audit log' });
    await audit.getByRole('cell', { name: 'Organization created' }).waitFor();
    await audit.getByRole('cell', { name: 'Location added' }).first().waitFor();
    await checkA11y(page);
  });

  it('[SETTINGS] an unknown page inside an organization shows the translated 404 with the navigation', async () => {
    const page = await newPage();
    const { orgId } = await ownerWithOrg(page);
    await page.getByRole('radiogroup', { name: 'Language' }).getByText('Français').click();
    await page.getByRole('heading', { level: 1, name: 'Apprenants' }).waitFor();
    await page.goto(`/orgs/${orgId}/no-such-page`);
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    await page.getByRole('navigation', { name: 'Organisation' }).waitFor();
    await page.goto('/nowhere');
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    await checkA11y(page);
  });
});
