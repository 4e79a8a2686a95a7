import type { Page } from 'playwright-core';
import { baseUrl, firstLink, uniqueEmail, waitForMail } from './support';

/** Registers and verifies an account through the UI and the mailbox; leaves the page on sign-in. */
export async function registerVerified(page: Page, name = 'Ada Lovelace') {
  const email = uniqueEmail('owner');
  const password = 'correct horse battery';
  await page.goto('/register');
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByRole('heading', { name: 'Check your mailbox' }).waitFor();
  await page.goto(firstLink((await waitForMail(baseUrl(), email)).text));
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await page.getByRole('heading', { name: 'Address confirmed' }).waitFor();
  return { email, password };
}

/** Signs in through the sign-in page. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A verified, signed-in owner of a new organization, on its Learners page. */
export async function ownerWithOrg(page: Page, orgName = 'Acme Training') {
  const account = await registerVerified(page);
  await signIn(page, account.email, account.password);
  await page.waitForURL('**/orgs/new');
  await page.getByLabel('Organization name').fill(orgName);
  await page.getByRole('button', { name: 'Create the organization' }).click();
  await page.waitForURL(/\/orgs\/[^/]+\/learners$/);
  const orgId = new URL(page.url()).pathname.split('/')[2] ?? '';
  return { ...account, orgId };
}

/** Calls the API from inside the page, with its session cookie and CSRF token (for seeding). */
export async function apiFromPage<T = unknown>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = document.cookie
        .split(';')
        .map((c) => c.trim().split('='))
        .find(([name]) => name === 'csrf_token')?.[1];
      const response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: {
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf) } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    { method, path, body },
  );
}

/** Picks an option of a Mantine Select or MultiSelect by its label. */
export async function pickOption(page: Page, label: string, option: string | RegExp, search?: string) {
  const input = page.getByRole('combobox', { name: label, exact: true });
  await input.click();
  if (search !== undefined) await input.fill(search);
  await page.getByRole('option', { name: option }).click();
}
