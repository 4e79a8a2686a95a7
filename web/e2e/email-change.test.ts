import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg, registerVerified, signIn } from './flows';
import { baseUrl, checkA11y, closeBrowser, firstLink, newPage, uniqueEmail, waitForMail } from './support';

afterAll(closeBrowser);

describe('[ACCOUNT CHANGES]', () => {
  it('[ACCOUNT CHANGES] the admin changes a learner’s email; the old address works until the learner confirms from the new mailbox; then only the new one does', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Lighthouse Learning');
    const password = 'correct horse battery';
    const oldEmail = uniqueEmail('lina');
    const newEmail = uniqueEmail('lina-new');

    // Seed what is not the point through the API: a managed learner with a password.
    const created = await apiFromPage<{ accountId: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/members`, {
      email: oldEmail,
      name: 'Lina Learner',
      password,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    // The admin finds the learner and changes the address from the row's menu.
    await admin.reload();
    await admin.getByRole('heading', { level: 1, name: 'Learners' }).waitFor();
    await admin.getByRole('button', { name: 'Actions for Lina Learner' }).click();
    await admin.getByRole('menuitem', { name: 'Change email address' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Change the email address of Lina Learner' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'New email address' }).fill('not an address');
    await dialog.getByRole('button', { name: 'Send a confirmation link' }).click();
    await dialog.getByText('Enter a valid email address').waitFor();
    await checkA11y(admin);
    await dialog.getByRole('textbox', { name: 'New email address' }).fill(newEmail);
    await dialog.getByRole('button', { name: 'Send a confirmation link' }).click();
    await admin.getByText(`A confirmation link is on its way to ${newEmail}`).waitFor();
    await dialog.waitFor({ state: 'hidden' });

    // The old address is told, and still signs in: nothing has changed yet.
    const notice = await waitForMail(baseUrl(), oldEmail, (m) => m.subject === 'A change of your Troupe email address was requested');
    expect(notice.text).toContain(newEmail);
    const laptop = await newPage();
    await signIn(laptop, oldEmail, password);
    await laptop.waitForURL('**/home');

    // The learner opens the link from the new mailbox; opening it changes nothing until they confirm.
    const mail = await waitForMail(baseUrl(), newEmail, (m) => m.subject === 'Confirm your new email address');
    const link = firstLink(mail.text);
    expect(new URL(link).pathname).toBe('/confirm-email');
    const phone = await newPage();
    await phone.goto(link);
    await phone.getByRole('heading', { name: 'Confirm your new email address' }).waitFor();
    await checkA11y(phone);
    await phone.getByRole('button', { name: 'Confirm my new address' }).click();
    await phone.getByRole('heading', { name: 'Email address changed' }).waitFor();
    await phone.getByText(`Your account now uses ${newEmail}`).waitFor();

    // The session opened with the old address has ended; the old address no longer signs in, the new one does.
    await laptop.reload();
    await laptop.waitForURL('**/sign-in**');
    await signIn(laptop, oldEmail, password);
    await laptop.getByRole('alert').filter({ hasText: 'Wrong email address or password.' }).waitFor();
    await signIn(laptop, newEmail, password);
    await laptop.waitForURL('**/home');

    // The account page shows the address in use, and offers the same change to the person.
    await laptop.goto('/account');
    await laptop.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    await laptop.getByText(`You sign in with ${newEmail}.`).waitFor();
    await checkA11y(laptop);

    // The admin's audit log records both addresses.
    const audit = await apiFromPage<{ items: { action: string; data: { from?: string; to?: string } }[] }>(
      admin,
      'GET',
      `/api/v1/orgs/${orgId}/audit-events`,
    );
    expect(audit.body.items.find((e) => e.action === 'account.email_changed')?.data).toMatchObject({ from: oldEmail, to: newEmail });
  });

  it('[ACCOUNT CHANGES] a person changes their own address from the account page, sees it pending, and confirms it from the new mailbox', async () => {
    const page = await newPage();
    const { email, password } = await registerVerified(page, 'Noor Self');
    await signIn(page, email, password);
    await page.waitForURL('**/orgs/new');
    await page.goto('/account');
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'My account' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();

    const next = uniqueEmail('noor-new');
    await page.getByRole('textbox', { name: 'New email address' }).fill(email);
    await page.getByRole('button', { name: 'Send a confirmation link' }).click();
    await page.getByText('This is already the account’s address.').waitFor();
    await page.getByRole('textbox', { name: 'New email address' }).fill(next);
    await page.getByRole('button', { name: 'Send a confirmation link' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `A link was sent to ${next}` })
      .waitFor();
    await checkA11y(page);

    const mail = await waitForMail(baseUrl(), next, (m) => m.subject === 'Confirm your new email address');
    await page.goto(firstLink(mail.text));
    await page.getByRole('button', { name: 'Confirm my new address' }).click();
    await page.getByRole('heading', { name: 'Email address changed' }).waitFor();
    // The session that confirmed stays signed in, now under the new address.
    await page.goto('/account');
    await page.getByText(`You sign in with ${next}.`).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'A link was sent' }).count()).toBe(0);
  });
});
