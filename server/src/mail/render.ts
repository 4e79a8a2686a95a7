import { randomBytes } from 'node:crypto';
import { render } from '@react-email/render';
import { translator } from '../i18n/index.js';
import { fillFields, getTemplate } from './templates/index.js';

export type RenderedEmail = { subject: string; html: string; text: string; headers?: Record<string, string> };

/** Renders a stored email (template + params) to subject, HTML and a plain-text part with every link in full. */
export async function renderEmail(template: string, locale: string, params: unknown, appUrl: string): Promise<RenderedEmail> {
  const { subject, element, headers } = await getTemplate(template)(params, { t: translator(locale), appUrl, locale });
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return headers ? { subject, html, text, headers } : { subject, html, text };
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
/** A random marker per process: placeholders are `<nonce><i>q`, letters and digits that no escaping or URL encoding changes. */
const NONCE = `zq${randomBytes(6)
  .toString('hex')
  .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)] ?? d)}`;
const placeholder = (i: number) => `${NONCE}${'abcdefghij'[i]}q`;

/** A message rendered once with placeholders, and the positions where each recipient's values go. */
type Skeleton = { fields: string[]; subject: string; html: string; text: string; headers?: Record<string, string> };
const cache = new Map<string, Skeleton | null>();
const CACHE_MAX = 500;

function fill(template: string, fields: string[], values: string[], esc: (s: string) => string, upper: boolean): string {
  let out = template;
  fields.forEach((_, i) => {
    const v = values[i] ?? '';
    out = out.split(placeholder(i)).join(esc(v));
    if (upper) out = out.split(placeholder(i).toUpperCase()).join(esc(v).toUpperCase());
  });
  return out;
}

/**
 * Renders like `renderEmail`, but the React render runs once per template, locale and shared params:
 * the per-recipient params (a token, an address, a name — see `fillFields`) are rendered as placeholders
 * and filled in per message (HTML-escaped in the HTML part, as React would; upper-cased where the text
 * part upper-cases a heading). Anything the skeleton cannot hold exactly falls back to a full render.
 */
export async function renderFilled(template: string, locale: string, params: unknown, appUrl: string): Promise<RenderedEmail> {
  const declared = fillFields(template);
  const p = (params ?? {}) as Record<string, unknown>;
  const fields = declared.filter((f) => typeof p[f] === 'string' && p[f] !== '');
  const urlSafe = fields.every((f) => f !== 'token' || encodeURIComponent(String(p[f])) === p[f]);
  if (!urlSafe) return renderEmail(template, locale, params, appUrl);
  const shared: Record<string, unknown> = { ...p };
  for (const f of fields) delete shared[f];
  const key = JSON.stringify([template, locale, appUrl, fields, shared]);
  let skeleton = cache.get(key);
  if (skeleton === undefined) {
    const withMarks = { ...p };
    fields.forEach((f, i) => {
      withMarks[f] = placeholder(i);
    });
    const r = await renderEmail(template, locale, withMarks, appUrl);
    // A placeholder cut short (a truncated preview) would leave part of it behind: not cacheable then.
    const whole = (s: string) => fields.reduce((n, _, i) => n + s.toLowerCase().split(placeholder(i)).length - 1, 0);
    const parts = (s: string) => s.toLowerCase().split(NONCE.slice(0, 6)).length - 1;
    const exact = whole(r.html) === parts(r.html) && whole(r.text) === parts(r.text) && whole(r.subject) === parts(r.subject);
    skeleton = exact ? { fields, ...r } : null;
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, skeleton);
  }
  if (!skeleton) return renderEmail(template, locale, params, appUrl);
  const values = fields.map((f) => String(p[f]));
  const raw = (s: string) => s;
  const filled: RenderedEmail = {
    subject: fill(skeleton.subject, fields, values, raw, false),
    html: fill(skeleton.html, fields, values, escapeHtml, false),
    text: fill(skeleton.text, fields, values, raw, true),
  };
  if (skeleton.headers)
    filled.headers = Object.fromEntries(Object.entries(skeleton.headers).map(([k, v]) => [k, fill(v, fields, values, raw, false)]));
  return filled;
}
