import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg } from './flows';
import { checkA11y, closeBrowser, newPage, uniqueEmail } from './support';

afterAll(closeBrowser);

type Imp = { id: string; status: string };

describe('[IMPORTS]', () => {
  it('[IMPORTS] admin syncs a file: sees each change and who will be archived, types the number, approves, sees the result', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Contoso Academy');
    const base = `/api/v1/orgs/${orgId}`;

    // Seed what is not the point through the API: a group and four managed members in it.
    expect((await apiFromPage(admin, 'POST', `${base}/groups`, { name: 'Sales' })).status).toBe(201);
    const [ann, bob, cat, dan] = ['ann', 'bob', 'cat', 'dan'].map((n) => uniqueEmail(n)) as [string, string, string, string];
    const seed = await apiFromPage<Imp>(admin, 'POST', `${base}/imports`, {
      text: `email,first name,last name,groups\n${[ann, bob, cat, dan].map((e, i) => `${e},P${i},Smith,Sales`).join('\n')}\n`,
      mode: 'create',
    });
    expect(seed.status, JSON.stringify(seed.body)).toBe(201);
    expect((await apiFromPage(admin, 'POST', `${base}/imports/${seed.body.id}/approve`, { sendWelcome: false })).status).toBe(202);
    for (let i = 0; i < 60; i++) {
      const now = await apiFromPage<Imp>(admin, 'GET', `${base}/imports/${seed.body.id}`);
      if (now.body.status === 'done') break;
      await admin.waitForTimeout(500);
    }

    await admin.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Imports' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
    await admin.getByRole('radio', { name: 'Create accounts' }).check();
    await admin.getByRole('radio', { name: 'Sync' }).check();
    await admin.getByRole('radio', { name: "Keep the member's value" }).waitFor();
    await checkA11y(admin);

    // The file names ann (new first name) and bob; cat and dan are missing from it.
    const csv = ['email,first name,last name,groups', `${ann},Anna,Smith,Sales`, `${bob},P1,Smith,Sales`, ''].join('\r\n');
    const input = admin.getByTestId('import-dropzone').locator('input[type="file"]');
    await input.setInputFiles({ name: 'hr-export.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await admin.waitForURL(/\/orgs\/[^/]+\/imports\/[0-9a-f-]{36}$/);

    // The preview: counts, the change field by field, and who would be archived.
    await admin.getByRole('heading', { name: 'What the sync will change' }).waitFor();
    const counts = admin.getByTestId('sync-counts');
    await counts.getByText('To archive').waitFor();
    expect(await counts.textContent()).toContain('2To archive');
    expect(await counts.textContent()).toContain('1Updated');
    await admin.getByText('2 of 5 members (40 %) would be archived', { exact: false }).waitFor();
    const changes = admin.getByRole('table', { name: 'Changes per member' });
    await changes.getByRole('row').filter({ hasText: ann }).getByText('P0 Smith → Anna Smith').waitFor();
    const gone = admin.getByRole('list', { name: 'Who will be archived' });
    await gone.getByText(cat, { exact: false }).waitFor();
    await gone.getByText(dan, { exact: false }).waitFor();
    await checkA11y(admin);

    // Approving asks for the number; a wrong one keeps the button disabled.
    await admin.getByRole('button', { name: 'Approve…' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Approve this import?' });
    await dialog.getByText('This sync archives 2 members. Started training is kept.').waitFor();
    const typed = dialog.getByLabel('Type 2 to confirm');
    await typed.fill('3');
    const confirm = dialog.getByRole('button', { name: /^(Approve|Create)/ });
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill('2');
    await confirm.click();

    // The result: one member updated, two archived.
    await admin.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 30_000 });
    await admin.getByText('Members archived').waitFor();
    await admin.getByText('Members updated').waitFor();
    const members = await apiFromPage<{ items: { email: string; status: string }[] }>(
      admin,
      'GET',
      `${base}/members?limit=50&status=archived`,
    );
    expect(members.body.items.map((m) => m.email).sort()).toEqual([cat, dan].sort());
    await checkA11y(admin);
  });
});
