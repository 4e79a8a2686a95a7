/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import { type MailTemplate, registerTemplates } from '../../mail/templates/index.js';

type DueParams = { kind: 'before' | 'late'; orgName: string; programTitle: string; dueAt: string; percent: number };

/** A learner's reminder of their own due date: a few days before it, or once they are late. */
const dueReminder: MailTemplate = (p: DueParams, env) => {
  const date = new Intl.DateTimeFormat(env.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(p.dueAt));
  const vars = { org: p.orgName, program: p.programTitle, date, percent: p.percent };
  const late = p.kind === 'late';
  const body = env.t(late ? 'mail.dueReminder.bodyLate' : 'mail.dueReminder.bodyBefore', vars);
  return {
    subject: env.t(late ? 'mail.dueReminder.subjectLate' : 'mail.dueReminder.subjectBefore', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={body}
        heading={env.t(late ? 'mail.dueReminder.headingLate' : 'mail.dueReminder.headingBefore', vars)}
        paragraphs={[body]}
        action={{ label: env.t('mail.dueReminder.action'), url: `${env.appUrl}/home` }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};

/** Registers the due-date reminder's email template. */
export function registerDueReminderTemplates(): void {
  registerTemplates({ 'due-reminder': dueReminder });
}
