/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import { type MailTemplate, registerTemplates } from '../../mail/templates/index.js';

type ReminderParams = {
  token: string;
  email: string;
  orgName: string;
  inviterName: string;
  groupNames?: string[];
  firstSentAt: string | null;
};

/** A reminder of an open invitation: the same link as the first email, and when that one was sent. */
const invitationReminder: MailTemplate = (p: ReminderParams, env) => {
  const sentOn = p.firstSentAt
    ? new Intl.DateTimeFormat(env.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(p.firstSentAt))
    : null;
  const vars = { org: p.orgName, inviter: p.inviterName, email: p.email, date: sentOn ?? '' };
  const paragraphs = [env.t(sentOn ? 'mail.invitationReminder.body' : 'mail.invitationReminder.bodyNoDate', vars)];
  if (p.groupNames?.length) paragraphs.push(env.t('mail.invitation.groups', { groups: p.groupNames.join(', ') }));
  paragraphs.push(env.t('mail.invitation.howTo', vars));
  return {
    subject: env.t('mail.invitationReminder.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={paragraphs[0] ?? ''}
        heading={env.t('mail.invitationReminder.heading', vars)}
        paragraphs={paragraphs}
        action={{ label: env.t('mail.invitation.action'), url: `${env.appUrl}/invitations/${p.token}` }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};

/** Registers the reminder's email template. */
export function registerReminderTemplates(): void {
  registerTemplates({ 'invitation-reminder': invitationReminder });
}
