import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg, pickOption } from './flows';
import { baseUrl, checkA11y, closeBrowser, newPage, uniqueEmail, waitForMail } from './support';

afterAll(closeBrowser);

/** The invitation link of the newest invitation email to an address. */
async function invitationLink(to: string): Promise<string> {
  const mail = await waitForMail(baseUrl(), to, (m) => /\/invitations\/\S+/.test(m.text));
  const match = mail.text.match(/https?:\/\/[^\s<>"')\]]+\/invitations\/[^\s<>"')\]]+/);
  if (!match) throw new Error(`No invitation link in:\n${mail.text}`);
  return match[0];
}

/** Fills the "Invite by email" form and sends it. */
async function invite(page: Page, addresses: string, group: string, message?: string) {
  await page.getByRole('tab', { name: 'Invite by email' }).click();
  await page.getByRole('heading', { level: 2, name: 'Invite by email' }).waitFor();
  await page.getByRole('textbox', { name: 'Email addresses' }).fill(addresses);
  await pickOption(page, 'Groups', group);
  await page.keyboard.press('Escape');
  if (message) await page.getByRole('textbox', { name: 'Personal message (optional)' }).fill(message);
}

describe('[INVITATIONS]', () => {
  it('[INVITATIONS] admin invites two addresses; one registers from the mailbox link and accepts and sees the program; the other declines; the Invitations page shows Active and Declined; a third invitation is cancelled and its link says so', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Harbor Academy');

    // Seed what is not the point through the API: a group with a welcome message, a program with an open session attached to it.
    const base = `/api/v1/orgs/${orgId}`;
    const group = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/groups`, {
      name: 'Newcomers',
      welcomeMessage: 'Welcome aboard, newcomers!',
    });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    const program = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/programs`, { title: 'Onboarding 101' });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const session = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/programs/${program.body.id}/sessions`, {
      opensAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const attached = await apiFromPage(admin, 'POST', `${base}/groups/${group.body.id}/assignments`, { sessionId: session.body.id });
    expect(attached.status, JSON.stringify(attached.body)).toBe(201);

    const alice = uniqueEmail('alice');
    const bob = uniqueEmail('bob');
    const carol = uniqueEmail('carol');

    // The Invitations page: empty at first, then the email form validates the list as it is typed.
    const nav = admin.getByRole('navigation', { name: 'Organization' });
    await nav.getByRole('link', { name: 'Invitations' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Invitations' }).waitFor();
    await admin.getByRole('heading', { name: 'No invitations yet' }).waitFor();

    await invite(
      admin,
      `Alice Martin <${alice}>, ${bob}; not-an-address\n${bob}`,
      'Newcomers',
      'See you on Monday.\n<b>Bring a laptop</b>',
    );
    await admin.getByText('2 valid addresses').waitFor();
    await admin.getByText('1 repeated address will be invited once.').waitFor();
    await admin.getByText('1 entry is not a valid address and will be skipped').waitFor();
    await admin.getByText('not-an-address', { exact: true }).waitFor();
    await admin.getByRole('button', { name: 'Send 2 invitations' }).click();

    // The result says what was invited and why the rest was skipped.
    const result = admin.getByRole('region', { name: 'Result' });
    await result.getByText('2 invitations sent').waitFor();
    const skipped = admin.getByRole('table', { name: 'Skipped addresses' });
    await skipped.getByRole('row').filter({ hasText: 'not-an-address' }).getByText('Not a valid email address').waitFor();
    await skipped.getByRole('row').filter({ hasText: bob }).getByText('Appears more than once in the list (invited once)').waitFor();
    await checkA11y(admin);

    // Alice has no account: she opens the link, sees the organization, the group and the message, and registers.
    const alicePage = await newPage();
    await alicePage.goto(await invitationLink(alice));
    await alicePage.getByRole('heading', { level: 1, name: 'Harbor Academy' }).waitFor();
    await alicePage.getByText('Ada Lovelace invites you to join Harbor Academy.').waitFor();
    await alicePage.getByRole('heading', { name: 'Newcomers' }).waitFor();
    await alicePage.getByText('Welcome aboard, newcomers!').waitFor();
    // The admin's message is plain text: markup shows as typed.
    await alicePage.getByText('<b>Bring a laptop</b>', { exact: false }).waitFor();
    expect(await alicePage.getByRole('textbox', { name: 'Email address' }).inputValue()).toBe(alice);
    expect(await alicePage.getByRole('textbox', { name: 'Email address' }).getAttribute('readonly')).not.toBeNull();
    await checkA11y(alicePage);
    await alicePage.getByRole('textbox', { name: 'Full name' }).fill('Alice Martin');
    await alicePage.getByRole('textbox', { name: 'Password', exact: true }).fill('a long learner password');
    await alicePage.getByRole('button', { name: 'Create my account and accept' }).click();
    await alicePage.waitForURL('**/home');
    await alicePage.getByRole('heading', { level: 1, name: 'Welcome, Alice Martin' }).waitFor();
    await alicePage.getByText('Welcome aboard, newcomers!').waitFor();
    await alicePage.getByRole('article', { name: 'Onboarding 101' }).waitFor();

    // Bob declines (with a confirmation), and the link then says so.
    const bobPage = await newPage();
    await bobPage.goto(await invitationLink(bob));
    await bobPage.getByRole('heading', { level: 1, name: 'Harbor Academy' }).waitFor();
    await bobPage.getByRole('button', { name: 'Decline the invitation' }).click();
    const declineDialog = bobPage.getByRole('dialog', { name: 'Decline this invitation?' });
    await declineDialog.getByText('Harbor Academy will see that you declined.', { exact: false }).waitFor();
    await declineDialog.getByRole('button', { name: 'Decline', exact: true }).click();
    await bobPage.getByRole('heading', { level: 1, name: 'You declined this invitation' }).waitFor();

    // The admin's list shows Alice active and Bob declined, with counts on the status tabs.
    await admin.reload();
    await admin.getByRole('tab', { name: 'Sent invitations' }).click();
    const statuses = admin.getByRole('tablist', { name: 'Invitations by status' });
    await statuses.getByRole('tab', { name: /^Declined\s*1$/ }).waitFor();
    await statuses.getByRole('tab', { name: /^Active/ }).click();
    const table = admin.getByRole('table', { name: 'Invitations' });
    await table.getByRole('row').filter({ hasText: alice }).getByText('Active').waitFor();
    await expect.poll(() => table.getByRole('row').filter({ hasText: bob }).count()).toBe(0);
    await statuses.getByRole('tab', { name: /^Declined/ }).click();
    await table.getByRole('row').filter({ hasText: bob }).getByText('Declined').waitFor();
    await expect.poll(() => table.getByRole('row').filter({ hasText: alice }).count()).toBe(0);
    await checkA11y(admin);

    // A third invitation, then cancelled by pasting its address (with one that matches nothing).
    await invite(admin, carol, 'Newcomers');
    await admin.getByRole('button', { name: 'Send 1 invitation' }).click();
    await admin.getByRole('region', { name: 'Result' }).getByText('1 invitation sent').waitFor();
    const carolLink = await invitationLink(carol);

    await admin.getByRole('tab', { name: 'Sent invitations' }).click();
    await admin.getByRole('button', { name: 'Cancel by pasting addresses' }).click();
    const pasteDialog = admin.getByRole('dialog', { name: 'Cancel invitations by address' });
    await pasteDialog.getByRole('textbox', { name: 'Addresses' }).fill(`${carol}\nnobody-here@example.com`);
    await pasteDialog.getByText('2 addresses recognized.').waitFor();
    await pasteDialog.getByRole('button', { name: 'Cancel their invitations' }).click();
    await pasteDialog.getByText('The open invitations of 2 addresses will be cancelled now.', { exact: false }).waitFor();
    await pasteDialog.getByRole('button', { name: 'Yes, cancel them' }).click();
    await pasteDialog.getByText('1 invitation cancelled', { exact: true }).waitFor();
    await pasteDialog.getByText('1 address without an open invitation').waitFor();
    await pasteDialog.getByText('nobody-here@example.com').waitFor();
    await admin.getByText('1 invitation cancelled; 1 not found.').waitFor();
    await pasteDialog.getByRole('button', { name: 'Done' }).click();
    await pasteDialog.waitFor({ state: 'detached' });
    await statuses.getByRole('tab', { name: /^Cancelled/ }).click();
    await table.getByRole('row').filter({ hasText: carol }).getByText('Cancelled').waitFor();

    // Carol's link now says what happened and what to do.
    const carolPage = await newPage();
    await carolPage.goto(carolLink);
    await carolPage.getByRole('heading', { level: 1, name: 'This invitation was cancelled' }).waitFor();
    await carolPage.getByText('Ask your manager for a new invitation.').waitFor();
    await carolPage.getByText('Harbor Academy', { exact: true }).waitFor();
    expect(await carolPage.getByRole('button', { name: /accept/i }).count()).toBe(0);
    await checkA11y(carolPage);
  });
});
