import { render } from '@react-email/render';
import { translator } from '../i18n/index.js';
import { getTemplate } from './templates/index.js';

/** Renders a stored email (template + params) to subject, HTML and a plain-text part with every link in full. */
export async function renderEmail(template: string, locale: string, params: unknown, appUrl: string) {
  const { subject, element } = await getTemplate(template)(params, { t: translator(locale), appUrl, locale });
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject, html, text };
}
