/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import { type MailTemplate, registerTemplates } from '../../mail/templates/index.js';

type SeatsAlertParams = { orgId: string; orgName: string; pct: number; seatLimit: number; seatsUsed: number };

/** Tells owners and admins that seat use crossed 90 % or 100 % of the organization's limit. */
const seatsAlert: MailTemplate = (p: SeatsAlertParams, env) => {
  const vars = { org: p.orgName, pct: p.pct, used: p.seatsUsed, limit: p.seatLimit };
  return {
    subject: env.t('mail.seats.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.seats.heading', vars)}
        heading={env.t('mail.seats.heading', vars)}
        paragraphs={[env.t(p.pct >= 100 ? 'mail.seats.body100' : 'mail.seats.body90', vars)]}
        action={{ label: env.t('mail.seats.action'), url: `${env.appUrl}/orgs/${p.orgId}/settings` }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};

/** Registers the seat alert email. */
export function registerSeatTemplates(): void {
  registerTemplates({ 'seats-alert': seatsAlert });
}
