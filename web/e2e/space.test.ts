import { afterAll, describe, expect, it } from 'vitest';
import { apiFromPage, ownerWithOrg, signIn } from './flows';
import { baseUrl, checkA11y, closeBrowser, firstLink, newPage, readMailbox, uniqueEmail, waitForMail } from './support';

afterAll(closeBrowser);

const isSpaceMail = (m: { subject: string }) => /new messages? in your groups/.test(m.subject);
/** The smallest valid PNG (1×1 pixel). */
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('[SPACE]', () => {
  it('[SPACE] a learner posts in a group; the observer gets one email, opens the Space tab and comments; the learner sees the comment on the home feed', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Harbor Academy');

    // Seed what is not the point through the API: a group, a learner in it, an observer of it.
    const group = await apiFromPage<{ id: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/groups`, { name: 'Sales' });
    expect(group.status).toBe(201);
    const password = 'a long enough password';
    const learnerEmail = uniqueEmail('learner');
    const observerEmail = uniqueEmail('observer');
    const learnerRes = await apiFromPage<{ accountId: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/members`, {
      email: learnerEmail,
      name: 'Grace Hopper',
      password,
      groupIds: [group.body.id],
    });
    expect(learnerRes.status, JSON.stringify(learnerRes.body)).toBe(201);
    const observerRes = await apiFromPage<{ accountId: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/members`, {
      email: observerEmail,
      name: 'Linus Observer',
      password,
      role: 'manager_full',
    });
    expect(observerRes.status, JSON.stringify(observerRes.body)).toBe(201);
    const observerId = observerRes.body.accountId;
    const added = await apiFromPage(admin, 'POST', `/api/v1/orgs/${orgId}/groups/${group.body.id}/observers`, { accountIds: [observerId] });
    expect(added.status, JSON.stringify(added.body)).toBe(200);

    // The learner's home names the group's team: its observer.
    const learner = await newPage();
    await signIn(learner, learnerEmail, password);
    await learner.waitForURL('**/home');
    await learner.getByRole('region', { name: 'The team of Sales' }).getByText('Linus Observer').waitFor();

    // She opens the group's space and posts; a file that is not an image is refused and nothing is posted.
    await learner.getByRole('link', { name: 'Open the group space' }).click();
    await learner.getByRole('heading', { level: 1, name: 'Group space' }).waitFor();
    await learner.getByRole('textbox', { name: 'Write to the group' }).fill('Hello <b>team</b>!\nThe guide: https://example.com/guide.');
    const fileInput = learner.locator('input[type="file"]');
    await fileInput.setInputFiles({ name: 'board.png', mimeType: 'image/png', buffer: Buffer.from('<script>alert(1)</script>') });
    await learner.getByRole('button', { name: 'Post', exact: true }).click();
    await learner.getByText('The attached file is not an image', { exact: false }).waitFor();
    expect(await learner.getByRole('article').count()).toBe(0);
    // With a real picture it goes through; HTML stays text, the link is a link, the image shows.
    await fileInput.setInputFiles({ name: 'board.png', mimeType: 'image/png', buffer: PNG_1PX });
    await learner.getByRole('button', { name: 'Post', exact: true }).click();
    const post = learner.getByRole('article', { name: 'Post by Grace Hopper' });
    await post.getByText('Hello <b>team</b>!', { exact: false }).waitFor();
    await post.getByRole('img', { name: 'Image posted by Grace Hopper' }).waitFor();
    expect(await post.getByRole('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    const link = post.getByRole('link', { name: 'https://example.com/guide' });
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await post.locator('b').count()).toBe(0);
    await checkA11y(learner);

    // The observer gets one email (the window is short in this run), with a link to the group's space.
    const mail = await waitForMail(baseUrl(), observerEmail, isSpaceMail);
    expect(mail.subject).toBe('1 new message in your groups in Harbor Academy');
    expect(mail.text).toContain('Sales — Grace Hopper posted:');
    // The app's link comes before the post's words (which may hold links of their own).
    const spaceLink = firstLink(mail.text);
    expect(spaceLink).toBe(`${baseUrl()}/orgs/${orgId}/groups/${group.body.id}?tab=space`);

    const observer = await newPage();
    await signIn(observer, observerEmail, password);
    await observer.waitForURL(/\/orgs\//);
    await observer.goto(spaceLink);
    await observer.getByRole('tab', { name: 'Space', selected: true }).waitFor();
    const seen = observer.getByRole('article', { name: 'Post by Grace Hopper' });
    await seen.getByText('Hello <b>team</b>!', { exact: false }).waitFor();
    await seen.getByRole('img', { name: 'Image posted by Grace Hopper' }).waitFor();
    // The observer chooses how to hear of this group: every post until she says otherwise.
    const choice = observer.getByRole('combobox', { name: 'Email me about this group’s posts' });
    expect(await choice.inputValue()).toBe('Every new post (grouped)');
    await choice.click();
    await observer.getByRole('option', { name: 'A daily summary' }).click();
    await observer.getByText('Your email choice is saved.').waitFor();
    expect(await choice.inputValue()).toBe('A daily summary');
    // Observers may delete and pin, not rewrite.
    await seen.getByRole('button', { name: 'Pin' }).waitFor();
    expect(await seen.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await seen.getByRole('textbox', { name: 'Your comment' }).fill('Thanks Grace, very useful.');
    await seen.getByRole('button', { name: 'Comment', exact: true }).click();
    await seen.getByText('Thanks Grace, very useful.').waitFor();
    await checkA11y(observer);

    // The learner finds the comment on her home feed.
    await learner.goto('/home');
    const feed = learner.getByRole('region', { name: 'Recent posts in my groups' });
    await feed.getByText('Thanks Grace, very useful.').waitFor();
    await feed.getByText('Linus Observer').waitFor();

    // Still one email to the observer: her own post's notification only, not the observer's own comment.
    expect((await readMailbox(baseUrl(), observerEmail)).filter(isSpaceMail)).toHaveLength(1);
  });
});

describe('[SPACE] session discussion', () => {
  it('[SPACE] a learner writes in her program’s discussion; its referent is emailed, opens it and answers', async () => {
    const admin = await newPage();
    const { orgId } = await ownerWithOrg(admin, 'Pier Academy');
    const password = 'a long enough password';
    const learnerEmail = uniqueEmail('learner');
    const referentEmail = uniqueEmail('referent');
    const group = await apiFromPage<{ id: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/groups`, { name: 'Dock crew' });
    const learnerRes = await apiFromPage(admin, 'POST', `/api/v1/orgs/${orgId}/members`, {
      email: learnerEmail,
      name: 'Mary Jackson',
      password,
      groupIds: [group.body.id],
    });
    expect(learnerRes.status, JSON.stringify(learnerRes.body)).toBe(201);
    const referent = await apiFromPage<{ accountId: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/members`, {
      email: referentEmail,
      name: 'Rosa Referent',
      password,
      role: 'manager_full',
    });
    expect(referent.status, JSON.stringify(referent.body)).toBe(201);
    const program = await apiFromPage<{ id: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/programs`, {
      title: 'Crane safety',
      referentId: referent.body.accountId,
    });
    expect(program.status, JSON.stringify(program.body)).toBe(201);
    const session = await apiFromPage<{ id: string }>(admin, 'POST', `/api/v1/orgs/${orgId}/programs/${program.body.id}/sessions`, {
      opensAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const assigned = await apiFromPage(admin, 'POST', `/api/v1/orgs/${orgId}/groups/${group.body.id}/assignments`, {
      sessionId: session.body.id,
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);

    const learner = await newPage();
    await signIn(learner, learnerEmail, password);
    await learner.waitForURL('**/home');
    await learner.getByRole('link', { name: 'Open the session discussion' }).click();
    await learner.getByRole('heading', { level: 1, name: 'Session discussion' }).waitFor();
    await learner.getByRole('textbox', { name: 'Write to the session' }).fill('Do we need our own helmets?');
    await learner.getByRole('button', { name: 'Post', exact: true }).click();
    await learner.getByRole('article', { name: 'Post by Mary Jackson' }).getByText('Do we need our own helmets?').waitFor();
    await checkA11y(learner);

    const mail = await waitForMail(baseUrl(), referentEmail, isSpaceMail);
    expect(mail.text).toContain('Crane safety — Mary Jackson posted:');
    const link = firstLink(mail.text);
    expect(link).toBe(`${baseUrl()}/home/sessions/${orgId}/${session.body.id}`);

    const ref = await newPage();
    await signIn(ref, referentEmail, password);
    await ref.waitForURL(/\/(orgs|home)/);
    await ref.goto(link);
    const post = ref.getByRole('article', { name: 'Post by Mary Jackson' });
    await post.getByText('Do we need our own helmets?').waitFor();
    await post.getByRole('button', { name: 'Pin' }).waitFor(); // the referent answers for the discussion
    await post.getByRole('textbox', { name: 'Your comment' }).fill('No, they are provided.');
    await post.getByRole('button', { name: 'Comment', exact: true }).click();
    await post.getByText('No, they are provided.').waitFor();

    await learner.goto('/home');
    await learner.getByRole('region', { name: 'Recent posts in my groups' }).getByText('No, they are provided.').waitFor();
  });
});
