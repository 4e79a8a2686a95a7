import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg, pickOption } from './flows';
import { checkA11y, closeBrowser, newPage, uniqueEmail } from './support';

afterAll(closeBrowser);

describe('[RULES]', () => {
  it('[RULES] admin creates a profile field, sets it on members, makes a rule-based group, previews and saves it; a changed field moves the person out; an import with a field column puts a new member in', async () => {
    const page = await newPage();
    const { orgId } = await ownerWithOrg(page, 'Rules Academy');

    // Seed what is not the point: three members and an empty group, through the API.
    const people = ['Ada Byron', 'Grace Hopper', 'Alan Turing'];
    for (const name of people) {
      const res = await apiFromPage(page, 'POST', `/api/v1/orgs/${orgId}/members`, { email: uniqueEmail('rules'), name });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const group = await apiFromPage<{ id: string }>(page, 'POST', `/api/v1/orgs/${orgId}/groups`, { name: 'Sales team' });
    expect(group.status).toBe(201);

    // Settings → Profile fields: a single-choice field with two options.
    const nav = page.getByRole('navigation', { name: 'Organization' });
    await nav.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Profile fields' }).waitFor();
    await page.getByText('No profile field yet.').waitFor();
    await page.getByRole('button', { name: 'Add a field' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Key').fill('department');
    await dialog.getByLabel('Label (English)').fill('Department');
    await dialog.getByLabel('Label (French)').fill('Service');
    await pickOption(page, 'Type', 'Single choice');
    const options = dialog.getByLabel('Options', { exact: true });
    await options.fill('Sales');
    await options.press('Enter');
    await options.fill('Support');
    await options.press('Enter');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Field saved.').waitFor();
    const fields = page.getByRole('table', { name: 'Profile fields' });
    await fields.getByText('Sales, Support').waitFor();
    await checkA11y(page);

    // Learners: set the field on each member from the row menu; the column shows it.
    const setDepartment = async (name: string, value: string) => {
      await page.getByRole('button', { name: `Actions for ${name}` }).click();
      await page.getByRole('menuitem', { name: 'Edit profile fields' }).click();
      await page.getByRole('dialog').getByRole('combobox', { name: 'Department' }).waitFor();
      await pickOption(page, 'Department', value);
      await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
      await page.getByText('Profile fields saved.').last().waitFor();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    };
    await nav.getByRole('link', { name: 'Learners' }).click();
    const table = page.getByRole('table', { name: 'Learners' });
    await table.getByRole('columnheader', { name: 'Department' }).waitFor();
    await setDepartment('Ada Byron', 'Sales');
    await setDepartment('Grace Hopper', 'Sales');
    await setDepartment('Alan Turing', 'Support');
    await expect.poll(() => table.getByRole('cell', { name: 'Sales', exact: true }).count()).toBe(2);

    // The group's Membership tab: a rule, its preview, then save.
    await page.goto(`/orgs/${orgId}/groups/${group.body.id}?tab=membership`);
    await page.getByRole('heading', { name: 'Who is in this group' }).waitFor();
    await page.getByText('Rule-based').click();
    await pickOption(page, 'Field', 'Department');
    await pickOption(page, 'Value', 'Sales');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByText('2 will be added, 0 removed (2 of 4 members match).').waitFor();
    await page
      .getByTestId('rule-preview')
      .getByText(/Ada Byron/)
      .waitFor();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Save the rule' }).click();
    await page.getByText('Rule saved: 2 added, 0 removed.').waitFor();

    // Members tab: the two people in Sales.
    await page.getByRole('tab', { name: 'Members', exact: true }).click();
    const panel = page.getByRole('tabpanel');
    await panel.getByText('Ada Byron').waitFor();
    await panel.getByText('Grace Hopper').waitFor();
    expect(await panel.getByText('Alan Turing').count()).toBe(0);

    // Ada moves to Support: she leaves the group.
    await nav.getByRole('link', { name: 'Learners' }).click();
    await table.getByRole('columnheader', { name: 'Department' }).waitFor();
    await setDepartment('Ada Byron', 'Support');
    await page.goto(`/orgs/${orgId}/groups/${group.body.id}?tab=members`);
    await page.getByRole('tabpanel').getByText('Grace Hopper').waitFor();
    expect(await page.getByRole('tabpanel').getByText('Ada Byron').count()).toBe(0);

    // An import with a column named by the field's French label: the new member lands in the rule group.
    await nav.getByRole('link', { name: 'Imports' }).click();
    await page.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
    await page.getByRole('radio', { name: 'Create accounts' }).check();
    const katherine = uniqueEmail('rules');
    const csv = ['email,first name,last name,Service', `${katherine},Katherine,Johnson,sales`, ''].join('\r\n');
    const input = page.getByTestId('import-dropzone').locator('input[type="file"]');
    await input.setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.waitForURL(/\/orgs\/[^/]+\/imports\/[0-9a-f-]{36}$/);
    await page.getByText('department (profile field)', { exact: false }).first().waitFor();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Approve…' }).click();
    await page
      .getByRole('dialog', { name: 'Approve this import?' })
      .getByRole('button', { name: /^(Approve|Create)/ })
      .click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 30_000 });
    await page.goto(`/orgs/${orgId}/groups/${group.body.id}?tab=members`);
    await page.getByRole('tabpanel').getByText('Katherine Johnson').waitFor();
  });
});
