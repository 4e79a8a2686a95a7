import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg } from './flows';
import { checkA11y, closeBrowser, newPage, uniqueEmail } from './support';

afterAll(closeBrowser);

/** Clicks what starts a download and reads the downloaded file as text (without a UTF-8 BOM). */
async function downloadText(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  return { name: download.suggestedFilename(), text };
}

describe('[IMPORTS]', () => {
  it('[IMPORTS] admin downloads the template, uploads a filled file with one bad row, sees it explained, approves, watches the progress reach 100 %, sees the invited learners in the learners list and the import in the history', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Northwind Learning');

    // Seed what is not the point through the API: the group the file names.
    const group = await apiFromPage<{ id: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/groups`, { name: 'Sales Team' });
    expect(group.status, JSON.stringify(group.body)).toBe(201);

    const nav = admin.getByRole('navigation', { name: 'Organization' });
    await nav.getByRole('link', { name: 'Imports' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
    await admin.getByRole('heading', { name: 'No imports yet' }).waitFor();
    await checkA11y(admin);

    // The CSV template, downloaded through the page: its header names the columns.
    const template = await downloadText(admin, () => admin.getByRole('link', { name: 'Download the CSV template' }).click());
    expect(template.name).toBe('troupe-learners.csv');
    const header = template.text.split(/\r?\n/)[0] ?? '';
    expect(header).toBe('email,first name,last name,groups,role,location,external id');

    // Filled in: three good rows naming the group in other cases and spacings, and one bad address (line 5).
    const ana = uniqueEmail('ana');
    const ben = uniqueEmail('ben');
    const chloe = uniqueEmail('chloe');
    const csv = [
      header,
      `${ana},Ana,Lima,"  sales   TEAM ",,,E-1`,
      `${ben},Ben,Okafor,SALES team,learner,,E-2`,
      `${chloe},Chloé,Martin,Sales Team,,,E-3`,
      'not-an-address,Dan,Broken,Sales Team,,,E-4',
      '',
    ].join('\r\n');

    await admin.getByRole('radio', { name: 'Invite' }).check();
    const input = admin.getByTestId('import-dropzone').locator('input[type="file"]');
    await input.setInputFiles({ name: 'learners.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });

    // The preview: counts, the recognised columns, and the bad row explained in words.
    await admin.waitForURL(/\/orgs\/[^/]+\/imports\/[0-9a-f-]{36}$/);
    const previewUrl = admin.url();
    await admin.getByRole('heading', { level: 1, name: 'Import of learners.csv' }).waitFor();
    await admin.getByText('Waiting for approval', { exact: true }).first().waitFor();
    expect(await admin.locator('[data-stat="rows"] dd').first().textContent()).toBe('4');
    expect(await admin.locator('[data-stat="valid"] dd').first().textContent()).toBe('3');
    expect(await admin.locator('[data-stat="invalid"] dd').first().textContent()).toBe('1');
    await admin.getByText('Groups (column D)').waitFor();

    const rows = admin.getByRole('table', { name: 'Rows' });
    const badRow = rows.getByRole('row').filter({ hasText: 'not-an-address' });
    await badRow.getByText('“not-an-address” is not a valid email address.').waitFor();
    await badRow.getByRole('cell', { name: '5', exact: true }).waitFor();
    await badRow.getByText('Problem', { exact: true }).waitFor();
    // The good rows are there under "All", their group recognised whatever its case and spacing.
    await admin.getByRole('tab', { name: /^All/ }).click();
    await rows.getByRole('row').filter({ hasText: ana }).getByText('OK', { exact: true }).waitFor();
    await rows.getByRole('row').filter({ hasText: ben }).getByText('OK', { exact: true }).waitFor();
    await checkA11y(admin);

    // Approve: the confirmation says exactly what will happen.
    await admin.getByRole('button', { name: 'Approve…' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Approve this import?' });
    await dialog.getByText('Invite 3 people to 1 group; 1 row will be skipped.').waitFor();
    await dialog.getByText('The invitation emails are sent now.').waitFor();
    await dialog.getByRole('button', { name: 'Invite 3 people' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The progress comes from the server: a reload picks it up, and it reaches 100 %.
    await admin.reload();
    expect(admin.url()).toBe(previewUrl);
    await admin.getByRole('heading', { level: 2, name: 'Import finished' }).waitFor({ timeout: 60_000 });
    const bar = admin.getByRole('progressbar', { name: 'Import progress' });
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    await admin.getByText('100% · 4 of 4 rows').waitFor();
    expect(await admin.locator('[data-stat="invited"] dd').first().textContent()).toBe('3');
    expect(await admin.locator('[data-stat="skipped"] dd').first().textContent()).toBe('1');
    await admin.getByText('Done', { exact: true }).first().waitFor();

    // The per-row results, as CSV.
    const results = await downloadText(admin, () => admin.getByRole('link', { name: 'Download results (CSV)' }).click());
    expect(results.text).toContain('not-an-address');
    expect(results.text.split(/\r?\n/).filter((l) => l.includes(',invited,')).length).toBe(3);
    await checkA11y(admin);

    // Learners lists the invited addresses, waiting for them to accept.
    await admin.getByRole('link', { name: 'Open Learners' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Learners' }).waitFor();
    const learners = admin.getByRole('table', { name: 'Learners' });
    for (const address of [ana, ben, chloe]) {
      await learners
        .getByRole('row')
        .filter({ hasText: address })
        .getByText(/^(Prospect|Pending)$/)
        .waitFor();
    }
    expect(await learners.getByRole('row').filter({ hasText: 'not-an-address' }).count()).toBe(0);

    // The history: who, the file, the mode, the counts, the status and the outcome.
    await nav.getByRole('link', { name: 'Imports' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
    const history = admin.getByRole('table', { name: 'History' });
    const entry = history.getByRole('row').filter({ hasText: 'learners.csv' });
    await entry.getByText('Ada Lovelace').waitFor();
    await entry.getByText('Invite', { exact: true }).waitFor();
    await entry.getByText('4 rows').waitFor();
    await entry.getByText('Done', { exact: true }).waitFor();
    await entry.getByText('3 invited · 1 skipped').waitFor();
    await checkA11y(admin);
  });
});
