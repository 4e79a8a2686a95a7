import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg } from './flows';
import { checkA11y, closeBrowser, newPage, uniqueEmail } from './support';

afterAll(closeBrowser);

describe('[INVITATIONS]', () => {
  it('[INVITATIONS] a group’s Invitations tab lists its invitations, adds its sub-groups’ with the switch, invites, resends and cancels from there', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Riverside Campus');
    const base = `/api/v1/orgs/${orgId}`;
    const parent = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/groups`, { name: 'Sales' });
    const child = await apiFromPage<{ id: string }>(admin, 'POST', `${base}/groups`, { name: 'Sales Lyon', parentId: parent.body.id });
    expect(child.status, JSON.stringify(child.body)).toBe(201);
    const inParent = uniqueEmail('parent');
    const inChild = uniqueEmail('child');
    for (const [email, groupId] of [
      [inParent, parent.body.id],
      [inChild, child.body.id],
    ] as const) {
      const res = await apiFromPage(admin, 'POST', `${base}/invitations`, { emails: [email], groupIds: [groupId] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    await admin.goto(`/orgs/${orgId}/groups/${parent.body.id}`);
    await admin.getByRole('heading', { level: 1, name: 'Sales' }).waitFor();
    await admin.getByRole('tab', { name: 'Invitations' }).click();
    const table = admin.getByRole('table', { name: 'Invitations' });
    await table.getByRole('row').filter({ hasText: inParent }).waitFor();
    await expect.poll(() => table.getByRole('row').filter({ hasText: inChild }).count()).toBe(0);

    // The switch adds the sub-groups' invitations.
    await admin.getByRole('switch', { name: 'Include sub-groups' }).click(); // a controlled switch: its state follows the address once updated
    await expect.poll(() => admin.getByRole('switch', { name: 'Include sub-groups' }).isChecked()).toBe(true);
    await table.getByRole('row').filter({ hasText: inChild }).waitFor();
    await checkA11y(admin);

    // Invite from the tab: the group is chosen already.
    const fresh = uniqueEmail('fresh');
    await admin.getByRole('button', { name: 'Invite to this group' }).click();
    await admin.getByRole('textbox', { name: 'Email addresses' }).fill(fresh);
    await admin.getByRole('button', { name: 'Send 1 invitation' }).click();
    await admin.getByRole('region', { name: 'Result' }).getByText('1 invitation sent').waitFor();
    await table.getByRole('row').filter({ hasText: fresh }).waitFor();

    // Resend and cancel from the row menu.
    await table.getByRole('button', { name: `Actions for ${inChild}` }).click();
    await admin.getByRole('menuitem', { name: 'Resend' }).click();
    await admin.getByText(`Invitation sent again to ${inChild}`, { exact: false }).waitFor();
    // The first row's menu closes (it animates out) before the next one opens: one menu, one match.
    await admin.getByRole('menu').waitFor({ state: 'detached' });
    await table.getByRole('button', { name: `Actions for ${inParent}` }).click();
    await admin.getByRole('menuitem', { name: 'Cancel the invitation' }).click();
    const dialog = admin.getByRole('dialog', { name: `Cancel the invitation of ${inParent}?` });
    await dialog.getByRole('button', { name: 'Cancel the invitation' }).click();
    await table.getByRole('row').filter({ hasText: inParent }).getByText('Cancelled').first().waitFor();

    // The organization's list filters by group the same way.
    await admin.goto(`/orgs/${orgId}/invitations?groupId=${child.body.id}`);
    await table.getByRole('row').filter({ hasText: inChild }).first().waitFor();
    await expect.poll(() => table.getByRole('row').filter({ hasText: inParent }).count()).toBe(0);
  });
});
