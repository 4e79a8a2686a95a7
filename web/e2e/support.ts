import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

export type Mail = { to: string; subject: string; text: string; html: string; sentAt: string };

let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

/** The address of the server started by the global setup. */
export function baseUrl(): string {
  return inject('baseUrl');
}

async function getBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return browser;
}

/** A page in a fresh context (its own cookies and storage), English unless told otherwise. */
export async function newPage(options: { locale?: string } = {}): Promise<Page> {
  const context = await (await getBrowser()).newContext({
    baseURL: baseUrl(),
    locale: options.locale ?? 'en-US',
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(30_000);
  contexts.push(context);
  return context.newPage();
}

/** Closes every page and the browser; call in afterAll. */
export async function closeBrowser(): Promise<void> {
  for (const context of contexts.splice(0)) await context.close().catch(() => {});
  await browser?.close();
  browser = undefined;
}

/** The development mailbox for one address, newest first. */
export async function readMailbox(base: string, to: string): Promise<Mail[]> {
  const response = await fetch(`${base}/api/v1/dev/mailbox?to=${encodeURIComponent(to)}`);
  if (!response.ok) throw new Error(`GET /api/v1/dev/mailbox answered ${response.status}`);
  const body = (await response.json()) as { items: Mail[] };
  return body.items;
}

/** Waits for a mail (sent by a background job) whose subject matches, newest first. */
export async function waitForMail(
  base: string,
  to: string,
  matches: (mail: Mail) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mail = (await readMailbox(base, to)).find(matches);
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`No mail for ${to} arrived within ${timeoutMs} ms`);
}

/** The first http(s) link in a mail's plain text. */
export function firstLink(text: string): string {
  const match = text.match(/https?:\/\/[^\s<>"')\]]+/);
  if (!match) throw new Error(`No link in mail text:\n${text}`);
  return match[0];
}

type AxeViolation = { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] };

/** Runs axe-core in the page and fails on serious or critical violations. */
export async function checkA11y(page: Page): Promise<void> {
  await page.addScriptTag({ content: axe.source });
  const violations = (await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  })) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0) {
    const report = serious
      .map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => JSON.stringify(n.target)).join('\n  ')}`)
      .join('\n');
    throw new Error(`axe found ${serious.length} serious/critical violation(s) on ${page.url()}:\n${report}`);
  }
}

/** An address nobody else uses in this run. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}
