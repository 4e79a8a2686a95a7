/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../layout.js';
import type { MailTemplate } from './index.js';

const frame = (env: Parameters<MailTemplate>[1], key: string, url: string, vars: Record<string, string> = {}) => ({
  subject: env.t(`mail.${key}.subject`, vars),
  element: (
    <MailLayout
      locale={env.locale}
      preview={env.t(`mail.${key}.body`, vars)}
      heading={env.t(`mail.${key}.heading`, vars)}
      paragraphs={[env.t(`mail.${key}.body`, vars), env.t('mail.ignore')]}
      action={{ label: env.t(`mail.${key}.action`), url }}
      linkFallback={env.t('mail.linkFallback')}
      footer={env.t('mail.footerPlain')}
    />
  ),
});

export const verifyEmail: MailTemplate = (p: { name: string; token: string }, env) =>
  frame(env, 'verifyEmail', `${env.appUrl}/verify-email?token=${encodeURIComponent(p.token)}`, { name: p.name });

export const resetPassword: MailTemplate = (p: { token: string }, env) =>
  frame(env, 'resetPassword', `${env.appUrl}/reset-password?token=${encodeURIComponent(p.token)}`);

export const accountExists: MailTemplate = (_p, env) => frame(env, 'accountExists', `${env.appUrl}/sign-in`);
