/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import { type MailTemplate, registerTemplates } from '../../mail/templates/index.js';

type HeldParams = {
  orgId: string;
  orgName: string;
  importId: string;
  fileName: string;
  toArchive: number;
  members: number;
  threshold: number;
};

/** An unattended import held for an admin: it would archive more members than its threshold allows. */
const importHeld: MailTemplate = (p: HeldParams, env) => {
  const vars = { org: p.orgName, file: p.fileName || '—', count: p.toArchive, members: p.members, threshold: p.threshold };
  const paragraphs = [env.t('mail.importHeld.body', vars), env.t('mail.importHeld.next', vars)];
  return {
    subject: env.t('mail.importHeld.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={paragraphs[0] ?? ''}
        heading={env.t('mail.importHeld.heading', vars)}
        paragraphs={paragraphs}
        action={{ label: env.t('mail.importHeld.action'), url: `${env.appUrl}/orgs/${p.orgId}/imports/${p.importId}` }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};

/** Registers the imports module's own email templates. */
export function registerImportTemplates(): void {
  registerTemplates({ 'import-held': importHeld });
}
