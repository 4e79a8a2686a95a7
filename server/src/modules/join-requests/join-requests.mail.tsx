/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import { type MailTemplate, registerTemplates } from '../../mail/templates/index.js';
import { APPROVED_TEMPLATE, REJECTED_TEMPLATE } from './join-requests.service.js';

type DecisionParams = { orgName: string; groupNames?: string[] };

/** The person's request was approved: they are in, with the groups they joined. */
const approved: MailTemplate = (p: DecisionParams, env) => {
  const vars = { org: p.orgName, groups: (p.groupNames ?? []).join(', ') };
  const paragraphs = [env.t('mail.joinRequest.approvedBody', vars)];
  if (p.groupNames?.length) paragraphs.push(env.t('mail.joinRequest.groups', vars));
  return {
    subject: env.t('mail.joinRequest.approvedSubject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={paragraphs[0] ?? ''}
        heading={env.t('mail.joinRequest.approvedHeading', vars)}
        paragraphs={paragraphs}
        action={{ label: env.t('mail.joinRequest.action'), url: `${env.appUrl}/` }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};

/** The person's request was declined. */
const rejected: MailTemplate = (p: DecisionParams, env) => {
  const vars = { org: p.orgName };
  const paragraphs = [env.t('mail.joinRequest.rejectedBody', vars)];
  return {
    subject: env.t('mail.joinRequest.rejectedSubject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={paragraphs[0] ?? ''}
        heading={env.t('mail.joinRequest.rejectedHeading', vars)}
        paragraphs={paragraphs}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};

/** Registers the emails of join-request decisions. */
export function registerJoinRequestTemplates(): void {
  registerTemplates({ [APPROVED_TEMPLATE]: approved, [REJECTED_TEMPLATE]: rejected });
}
