/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import { type MailTemplate, registerTemplates } from '../../mail/templates/index.js';

/** Tells an owner that a webhook endpoint was disabled (410 Gone, or failing for 3 days). */
const webhookDisabled: MailTemplate = (p: { orgId: string; orgName: string; url: string; reason: 'gone' | 'failing' }, env) => ({
  subject: env.t('mail.webhookDisabled.subject', { org: p.orgName }),
  element: (
    <MailLayout
      locale={env.locale}
      preview={env.t('mail.webhookDisabled.heading')}
      heading={env.t('mail.webhookDisabled.heading')}
      paragraphs={[env.t(`mail.webhookDisabled.${p.reason}`, { url: p.url }), env.t('mail.webhookDisabled.next')]}
      action={{ label: env.t('mail.webhookDisabled.action'), url: `${env.appUrl}/orgs/${p.orgId}/settings/webhooks` }}
      linkFallback={env.t('mail.linkFallback')}
      footer={env.t('mail.footer', { org: p.orgName })}
    />
  ),
});

/** Registers the webhook email templates. */
export function registerWebhookTemplates(): void {
  registerTemplates({ 'webhook-disabled': webhookDisabled });
}
