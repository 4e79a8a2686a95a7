/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../layout.js';
import type { MailTemplate, TemplateEnv } from './index.js';

type Group = {
  id: string;
  name: string;
  active: number;
  neverSignedIn: number;
  late: number;
  completed: number;
  neverSignedInNames: string[];
  lateNames: string[];
};

/** "Ana, Bob and 3 more". */
function names(env: TemplateEnv, list: string[], total: number): string {
  const shown = new Intl.ListFormat(env.locale, { style: 'long', type: 'conjunction' }).format(
    total > list.length ? [...list, env.t('mail.observerDigest.more', { count: total - list.length })] : list,
  );
  return shown;
}

function groupLines(env: TemplateEnv, g: Group): string[] {
  const counts = [
    env.t('mail.observerDigest.members', { count: g.active }),
    env.t('mail.observerDigest.neverSignedIn', { count: g.neverSignedIn }),
    env.t('mail.observerDigest.late', { count: g.late }),
    env.t('mail.observerDigest.completed', { count: g.completed }),
  ].join(', ');
  const lines = [`${g.name} — ${counts}.`];
  if (g.neverSignedIn > 0)
    lines.push(env.t('mail.observerDigest.neverSignedInNames', { names: names(env, g.neverSignedInNames, g.neverSignedIn) }));
  if (g.late > 0 && g.lateNames.length > 0) lines.push(env.t('mail.observerDigest.lateNames', { names: g.lateNames.join(', ') }));
  return lines;
}

/** The weekly digest of the groups an observer follows. */
export const observerDigest: MailTemplate = (p: { orgId: string; orgName: string; groups: Group[] }, env) => {
  const [only] = p.groups;
  const url =
    p.groups.length === 1 && only ? `${env.appUrl}/orgs/${p.orgId}/groups/${only.id}?tab=stats` : `${env.appUrl}/orgs/${p.orgId}/groups`;
  return {
    subject: env.t('mail.observerDigest.subject', { org: p.orgName }),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.observerDigest.intro', { org: p.orgName })}
        heading={env.t('mail.observerDigest.heading')}
        paragraphs={[
          env.t('mail.observerDigest.intro', { org: p.orgName }),
          ...p.groups.flatMap((g) => groupLines(env, g)),
          env.t('mail.observerDigest.why'),
        ]}
        action={{ label: env.t('mail.observerDigest.action'), url }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};
