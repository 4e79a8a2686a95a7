import { afterAll, describe, expect, it } from 'vitest';
import { registerVerified, signIn } from './flows';
import { baseUrl, checkA11y, closeBrowser, firstLink, newPage, readMailbox, uniqueEmail, waitForMail } from './support';

afterAll(closeBrowser);

describe('[ACCOUNTS]', () => {
  it('[ACCOUNTS] a new user registers, verifies through the mailbox, signs in, creates an organization and switches language', async () => {
    const page = await newPage();
    const email = uniqueEmail('owner');
    const password = 'correct horse battery';

    await page.goto('/');
    await page.waitForURL('**/sign-in');
    await page.getByRole('heading', { name: 'Sign in to Troupe' }).waitFor();
    await checkA11y(page);

    await page.getByRole('link', { name: 'Create one' }).click();
    await page.waitForURL('**/register');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('heading', { name: 'Check your mailbox' }).waitFor();

    const mail = await waitForMail(baseUrl(), email);
    const link = firstLink(mail.text);
    expect(new URL(link).pathname).toBe('/verify-email');

    await page.goto(link);
    // Opening the link must not verify by itself: the person confirms.
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('heading', { name: 'Address confirmed' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();

    await page.waitForURL('**/sign-in');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL('**/orgs/new');
    await page.getByRole('heading', { name: 'Create your organization' }).waitFor();
    await page.getByLabel('Organization name').fill('Acme Training');
    await page.getByRole('button', { name: 'Create the organization' }).click();

    await page.waitForURL(/\/orgs\/[^/]+\/learners$/);
    await page.getByRole('heading', { level: 1, name: 'Learners' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Organization' });
    await expect(nav.getByRole('link', { name: 'Groups' }).isVisible()).resolves.toBe(true);
    await checkA11y(page);

    await page.getByRole('radiogroup', { name: 'Language' }).getByText('Français').click();
    await page.getByRole('heading', { level: 1, name: 'Apprenants' }).waitFor();
    const navFr = page.getByRole('navigation', { name: 'Organisation' });
    await navFr.getByRole('link', { name: 'Apprenants' }).waitFor();
    await navFr.getByRole('link', { name: 'Paramètres' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    // The choice is kept on the account too (emails follow it).
    await expect.poll(() => page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).account.locale)).toBe('fr');

    // The choice survives a reload.
    await page.reload();
    await page.getByRole('navigation', { name: 'Organisation' }).getByRole('link', { name: 'Groupes' }).waitFor();
    await checkA11y(page);
  });

  it('[ACCOUNTS] a wrong password shows an error and keeps the visitor on the sign-in page', async () => {
    const page = await newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email address').fill(uniqueEmail('nobody'));
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email address or password.' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('[ACCOUNTS] the sign-in form checks the email format before sending', async () => {
    const page = await newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email address').fill('not-an-email');
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('whatever');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter a valid email address, like name@example.com').waitFor();
  });

  it('[ACCOUNTS] signing in before confirming the address explains why and offers to resend the email', async () => {
    const page = await newPage();
    const email = uniqueEmail('unverified');
    await page.goto('/register');
    await page.getByLabel('Full name').fill('Alan Turing');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('enigma machine');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('heading', { name: 'Check your mailbox' }).waitFor();

    await signIn(page, email, 'enigma machine');
    await page.getByRole('alert').filter({ hasText: 'Confirm your email address first' }).waitFor();
    await page.getByRole('button', { name: 'Resend the verification email' }).click();
    await page.getByText(`If ${email} needs confirming, a new link is on its way.`).waitFor();
    await expect.poll(async () => (await readMailbox(baseUrl(), email)).length, { timeout: 30_000 }).toBeGreaterThan(1);
  });

  it('[ACCOUNTS] a forgotten password is reset through the mailbox link', async () => {
    const page = await newPage();
    const { email } = await registerVerified(page, 'Katherine Johnson');
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByText(`If an account uses ${email}`).waitFor();

    const mail = await waitForMail(baseUrl(), email, (m) => m.text.includes('/reset-password?token='));
    await page.goto(firstLink(mail.text));
    await expect.poll(() => page.getByLabel('Sign me out everywhere else').isChecked()).toBe(true);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('short');
    await page.getByRole('button', { name: 'Change my password' }).click();
    await page.getByText('Use at least 8 characters').waitFor();
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('a brand new password');
    await page.getByRole('button', { name: 'Change my password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();

    await signIn(page, email, 'a brand new password');
    await page.waitForURL('**/orgs/new');
  });
});
