/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import { type MailTemplate, registerTemplates } from '../../mail/templates/index.js';

type Common = { name: string; orgName: string; byAdmin: boolean; requesterName: string };

/** To the new address: the link that proves it (the change happens only then). */
const confirm: MailTemplate = (p: Common & { token: string; oldEmail: string; signInFirst?: boolean }, env) => {
  const vars = { name: p.name, org: p.orgName, requester: p.requesterName, oldEmail: p.oldEmail };
  return {
    subject: env.t('mail.emailChange.confirm.subject'),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.emailChange.confirm.heading', vars)}
        heading={env.t('mail.emailChange.confirm.heading', vars)}
        paragraphs={[
          env.t(p.byAdmin ? 'mail.emailChange.confirm.bodyAdmin' : 'mail.emailChange.confirm.bodySelf', vars),
          env.t(p.signInFirst ? 'mail.emailChange.confirm.signInFirst' : 'mail.emailChange.confirm.until', vars),
          env.t('mail.ignore'),
        ]}
        action={{
          label: env.t('mail.emailChange.confirm.action'),
          url: `${env.appUrl}/confirm-email?token=${encodeURIComponent(p.token)}`,
        }}
        linkFallback={env.t('mail.linkFallback')}
        footer={p.orgName ? env.t('mail.footer', { org: p.orgName }) : env.t('mail.footerPlain')}
      />
    ),
  };
};

/** To the old address: what was asked, and that nothing changes until the new address is confirmed. */
const notice: MailTemplate = (p: Common & { newEmail: string }, env) => {
  const vars = { name: p.name, org: p.orgName, requester: p.requesterName, newEmail: p.newEmail };
  return {
    subject: env.t('mail.emailChange.notice.subject'),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.emailChange.notice.heading', vars)}
        heading={env.t('mail.emailChange.notice.heading', vars)}
        paragraphs={[
          env.t(p.byAdmin ? 'mail.emailChange.notice.bodyAdmin' : 'mail.emailChange.notice.bodySelf', vars),
          env.t('mail.emailChange.notice.until', vars),
          env.t(p.byAdmin ? 'mail.emailChange.notice.unexpectedAdmin' : 'mail.emailChange.notice.unexpectedSelf', vars),
        ]}
        linkFallback={env.t('mail.linkFallback')}
        footer={p.orgName ? env.t('mail.footer', { org: p.orgName }) : env.t('mail.footerPlain')}
      />
    ),
  };
};

/** To a new address that already has an account: nothing can change, and the requester is not told why. */
const inUse: MailTemplate = (_p, env) => ({
  subject: env.t('mail.emailChange.inUse.subject'),
  element: (
    <MailLayout
      locale={env.locale}
      preview={env.t('mail.emailChange.inUse.heading')}
      heading={env.t('mail.emailChange.inUse.heading')}
      paragraphs={[env.t('mail.emailChange.inUse.body'), env.t('mail.ignore')]}
      action={{ label: env.t('mail.emailChange.inUse.action'), url: `${env.appUrl}/sign-in` }}
      linkFallback={env.t('mail.linkFallback')}
      footer={env.t('mail.footerPlain')}
    />
  ),
});

/** Registers the email-change templates (once, when the service loads). */
export function registerEmailChangeTemplates(): void {
  registerTemplates({ 'email-change-confirm': confirm, 'email-change-notice': notice, 'email-change-in-use': inUse });
}
