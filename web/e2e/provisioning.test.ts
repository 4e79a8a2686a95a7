import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ownerWithOrg } from './flows';
import { baseUrl, checkA11y, closeBrowser, newPage } from './support';

afterAll(closeBrowser);

/** A webhook receiver on 127.0.0.1 (the test server runs with WEBHOOKS_ALLOW_PRIVATE=true). */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('thanks from the receiver');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe('[PROVISIONING]', () => {
  it('[PROVISIONING] a new owner creates an API key, copies it, adds a webhook endpoint and sees its test event delivered', async () => {
    const rx = await startReceiver();
    try {
      const page = await newPage();
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() });
      const { orgId } = await ownerWithOrg(page, 'Provisioned Academy');
      await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();

      // An API key for the HR system: the secret is shown once, and the copy button puts it on the clipboard.
      const keys = page.getByRole('region', { name: 'API keys' });
      await keys.getByLabel('Name').fill('HR system');
      await keys.getByRole('checkbox', { name: 'members:write' }).check();
      await keys.getByRole('button', { name: 'Create key' }).click();
      const secret = (await keys.getByLabel('API key secret').innerText()).trim();
      expect(secret).toMatch(/^trp_/);
      await keys.getByRole('button', { name: 'Copy' }).click();
      await keys.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      await keys.getByRole('cell', { name: /HR system/ }).waitFor();
      // The copied key works from another system.
      const me = await fetch(`${baseUrl()}/api/v1/orgs/${orgId}/people/HR-1`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `ana.lopez.${Date.now()}@example.com`, name: 'Ana Lopez', mode: 'create' }),
      });
      expect(me.status).toBe(201);

      // A webhook endpoint: its signing secret is shown once.
      const hooks = page.getByRole('region', { name: 'Webhooks' });
      await hooks.getByLabel('URL').fill(rx.url);
      await hooks.getByRole('checkbox', { name: 'member.joined' }).check();
      await hooks.getByRole('button', { name: 'Add endpoint' }).click();
      const whsec = (await hooks.getByLabel('Webhook signing secret').innerText()).trim();
      expect(whsec).toMatch(/^whsec_/);
      await hooks.getByRole('cell', { name: rx.url }).waitFor();

      // A test event, then the delivery log shows it delivered with the receiver's answer.
      await hooks.getByRole('button', { name: 'Send test event' }).click();
      const log = hooks.getByRole('table', { name: `Delivery log of ${rx.url}` });
      await log.getByRole('cell', { name: 'webhook.test' }).waitFor();
      await log.getByText('Delivered').waitFor({ timeout: 30_000 });
      await log.getByText('thanks from the receiver').waitFor();
      expect(rx.received.some((r) => r.headers['webhook-id'] && JSON.parse(r.body).type === 'webhook.test')).toBe(true);
      expect(rx.received[0]?.headers['webhook-signature']).toMatch(/^v1,/);
      await checkA11y(page);
    } finally {
      await rx.close();
    }
  });
});
