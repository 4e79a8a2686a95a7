/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../layout.js';
import type { MailTemplate } from './index.js';

type JoinPageVerifyParams = { token: string; slug: string; orgName: string; groupName?: string | null; email: string };

/** The verification link of a join-page request: opening it shows a page; joining takes a sign-in or a registration. */
export const joinPageVerify: MailTemplate = (p: JoinPageVerifyParams, env) => {
  const vars = { org: p.orgName, group: p.groupName ?? '', email: p.email };
  const paragraphs = [env.t('mail.joinPage.body', vars)];
  if (p.groupName) paragraphs.push(env.t('mail.joinPage.group', vars));
  paragraphs.push(env.t('mail.joinPage.howTo', vars), env.t('mail.joinPage.ignore'));
  return {
    subject: env.t('mail.joinPage.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.joinPage.body', vars)}
        heading={env.t('mail.joinPage.heading', vars)}
        paragraphs={paragraphs}
        action={{
          label: env.t('mail.joinPage.action'),
          url: `${env.appUrl}/join/${encodeURIComponent(p.slug)}/verify?token=${encodeURIComponent(p.token)}`,
        }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};
