import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg, pickOption, signIn } from './flows';
import { baseUrl, checkA11y, closeBrowser, firstLink, newPage, uniqueEmail, waitForMail } from './support';

afterAll(closeBrowser);

/** A valid PNG of one violet pixel, built here so the test needs no fixture file. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const pixels = deflateSync(Buffer.from([0, 0x6d, 0x28, 0xd9]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('[GROUPS]', () => {
  it('[GROUPS] admin creates a group with a sub-group, uploads a logo, creates a program and a session, attaches it, adds a member; that member signs in and sees the welcome message and the program', async () => {
    const page = await newPage();
    const { orgId } = await ownerWithOrg(page, 'Harbor Academy');

    // Seed what is not the point: the learner's managed account, created through the API.
    const learnerEmail = uniqueEmail('learner');
    const created = await apiFromPage(page, 'POST', `/api/v1/orgs/${orgId}/members`, { email: learnerEmail, name: 'Grace Hopper' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // A profile field learners see and fill in themselves (issue 15), and one they only see.
    const field = (body: object) => apiFromPage(page, 'POST', `/api/v1/orgs/${orgId}/profile-fields`, body);
    expect(
      (await field({ key: 'badge', label: { en: 'Badge name' }, type: 'text', learnerVisible: true, learnerEditable: true })).status,
    ).toBe(201);
    expect((await field({ key: 'cohort', label: { en: 'Cohort' }, type: 'text', learnerVisible: true })).status).toBe(201);

    // Groups: the empty state says what to do, then a group and its sub-group.
    const nav = page.getByRole('navigation', { name: 'Organization' });
    await nav.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor();
    await page.getByRole('heading', { name: 'No groups yet' }).waitFor();
    await page.getByRole('button', { name: 'Create a group' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Group name').fill('Sales');
    await dialog.getByRole('button', { name: 'Create the group' }).click();
    await page.getByText('Group Sales created.').waitFor();
    const tree = page.getByRole('table', { name: 'Groups' });
    await tree.getByRole('link', { name: 'Sales', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Actions for Sales' }).click();
    await page.getByRole('menuitem', { name: 'Add a sub-group' }).click();
    await expect.poll(() => dialog.getByRole('combobox', { name: 'Parent group', exact: true }).inputValue()).toBe('Sales');
    await dialog.getByLabel('Group name').fill('Sales Lyon');
    await dialog.getByLabel('Welcome message').fill('Welcome to the Lyon sales team!');
    await dialog.getByRole('button', { name: 'Create the group' }).click();
    await page.getByText('Group Sales Lyon created.').waitFor();
    const subRow = tree.getByRole('row').filter({ has: page.getByRole('link', { name: 'Sales Lyon' }) });
    await subRow.getByText('(sub-group of Sales)').waitFor({ state: 'attached' });
    // Sub-groups column of the parent.
    const salesRow = tree.getByRole('row').filter({ has: page.getByRole('link', { name: 'Sales', exact: true }) });
    await expect.poll(() => salesRow.getByRole('cell').nth(2).textContent()).toBe('1');

    // A sibling with the same name (any case) is refused next to the field.
    await page.getByRole('button', { name: 'Create a group' }).first().click();
    await dialog.getByLabel('Group name').fill('SALES');
    await dialog.getByRole('button', { name: 'Create the group' }).click();
    await dialog.getByText('Another group at this level already has this name. Choose another name.').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await checkA11y(page);

    // The sub-group's page: branding with a logo upload (and a refused non-image).
    await tree.getByRole('link', { name: 'Sales Lyon' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sales Lyon' }).waitFor();
    await page.getByRole('tab', { name: 'Branding' }).click();
    const logoInput = page.getByTestId('logo-dropzone').locator('input[type="file"]');
    await logoInput.setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
    await page.getByText('This file is not a PNG, JPEG or WebP image. Choose another one.').waitFor();
    await logoInput.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: tinyPng() });
    await page.getByText('Logo saved.').waitFor();
    await page.getByRole('img', { name: 'Logo of Sales Lyon' }).first().waitFor();

    // A program and its first session (opening now, never closing).
    await nav.getByRole('link', { name: 'Programs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Programs' }).waitFor();
    await page.getByRole('button', { name: 'Create a program' }).first().click();
    await dialog.getByLabel('Title').fill('Safety basics');
    await dialog.getByLabel('Description').fill('The essentials for the first week.');
    await dialog.getByRole('button', { name: 'Create the program' }).click();
    await page.getByRole('heading', { level: 1, name: 'Safety basics' }).waitFor();
    await page.getByRole('button', { name: 'Add the session' }).click();
    const sessions = page.getByRole('table', { name: 'Sessions' });
    await sessions.getByText('Ongoing').waitFor();

    // Attach the session to the sub-group, then add the member.
    await nav.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('table', { name: 'Groups' }).getByRole('link', { name: 'Sales Lyon' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sales Lyon' }).waitFor();
    await page.getByRole('tab', { name: 'Programs' }).click();
    await pickOption(page, 'Program', 'Safety basics');
    await pickOption(page, 'Session', /Ongoing/);
    await page.getByRole('button', { name: 'Attach the session' }).click();
    await page.getByText('Safety basics attached to Sales Lyon: 0 members enrolled.').waitFor();
    await page.getByRole('table', { name: 'Sessions attached to Sales Lyon' }).getByRole('link', { name: 'Safety basics' }).waitFor();

    await page.getByRole('tab', { name: 'Members', exact: true }).click();
    await page.getByRole('button', { name: 'Add members' }).click();
    await pickOption(page, 'People', /Grace Hopper/, 'Grace');
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Add 1 person' }).click();
    await page.getByText('1 member added to Sales Lyon.').waitFor();
    await page.getByRole('table', { name: 'Members of Sales Lyon' }).getByRole('cell', { name: 'Grace Hopper', exact: true }).waitFor();
    await checkA11y(page);

    // The learners page lists the new member with her status.
    await nav.getByRole('link', { name: 'Learners' }).click();
    await page.getByRole('heading', { level: 1, name: 'Learners' }).waitFor();
    const learners = page.getByRole('table', { name: 'Learners' });
    await learners.getByRole('row').filter({ hasText: 'Grace Hopper' }).getByText('Active').waitFor();
    await checkA11y(page);

    // The member chooses her password from the welcome email, signs in and lands on her home.
    const mail = await waitForMail(baseUrl(), learnerEmail);
    const token = new URL(firstLink(mail.text)).searchParams.get('token') ?? '';
    expect(token).not.toBe('');
    const learner = await newPage();
    await learner.goto(`/set-password?token=${encodeURIComponent(token)}`);
    const password = 'a long learner password';
    await learner.getByRole('textbox', { name: 'New password' }).fill(password);
    await learner.getByRole('button', { name: 'Save my password' }).click();
    await learner.getByRole('heading', { name: 'Password saved' }).waitFor();

    await signIn(learner, learnerEmail, password);
    await learner.waitForURL('**/home');
    await learner.getByRole('heading', { level: 1, name: 'Welcome, Grace Hopper' }).waitFor();
    await learner.getByText('Welcome to the Lyon sales team!').waitFor();
    await learner.getByRole('img', { name: 'Logo of Sales Lyon' }).waitFor();
    const program = learner.getByRole('article', { name: 'Safety basics' });
    // At 0 % the bar has no width: it is in the page, not visible.
    await program.getByRole('progressbar', { name: 'Progress in Safety basics' }).waitFor({ state: 'attached' });
    const profile = learner.getByRole('region', { name: 'Your profile in Harbor Academy' });
    await profile.getByText('Cohort: Not set').waitFor();
    await profile.getByRole('textbox', { name: 'Badge name' }).fill('Amazing Grace');
    await profile.getByRole('button', { name: 'Save my profile' }).click();
    await learner.getByText('Your profile is saved.').waitFor();
    await checkA11y(learner);

    // Completing the program issues a printable certificate.
    await program.getByRole('button', { name: 'Mark as completed' }).click();
    await learner.getByRole('dialog').getByRole('button', { name: 'Mark as completed' }).click();
    await learner.getByText('Safety basics completed. Your certificate is ready.').waitFor();
    await program.getByRole('link', { name: 'View my certificate' }).click();
    await learner.getByRole('heading', { level: 1, name: 'Grace Hopper' }).waitFor();
    await learner.getByText('Harbor Academy').waitFor();
    await learner.getByRole('button', { name: 'Print' }).waitFor();

    // The group's statistics follow her: one active member, signed in, who completed the session.
    await nav.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('table', { name: 'Groups' }).getByRole('link', { name: 'Sales Lyon' }).click();
    await page.getByRole('tab', { name: 'Statistics' }).click();
    await page.reload();
    const stat = (key: string) => page.locator(`[data-stat="${key}"] dd`).first().textContent();
    await expect.poll(() => stat('completed')).toBe('1');
    expect(await stat('active')).toBe('1');
    expect(await stat('neverSignedIn')).toBe('0');
    // The dashboard's session table: enrolled 1, completed 1 (100%).
    const session = page
      .getByRole('table', { name: 'Completion and lateness per session' })
      .getByRole('row')
      .filter({ hasText: 'Safety basics' });
    await expect.poll(() => session.getByRole('cell').nth(2).textContent()).toContain('1 (100% completed)');
    // The figures say when they were computed; "Refresh now" computes them again.
    await page.getByRole('status').filter({ hasText: 'Figures as of' }).waitFor();
    await page.getByRole('button', { name: 'Refresh now', exact: true }).click();
    await expect.poll(() => stat('completed')).toBe('1');
    await checkA11y(page);
  });
});
