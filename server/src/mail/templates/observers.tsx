/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Link, Text } from '@react-email/components';
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

type DigestParams = {
  orgId: string;
  orgName: string;
  groups: Group[];
  /** Absent in digests queued before daily digests existed. */
  period?: 'weekly' | 'daily';
  /** Signed token of the one-click unsubscribe and the preferences page (no sign-in needed). */
  prefsToken?: string;
};

/** The weekly or daily digest of the groups an observer follows, with a one-click unsubscribe (RFC 8058). */
export const observerDigest: MailTemplate = (p: DigestParams, env) => {
  const [only] = p.groups;
  const daily = p.period === 'daily';
  const url =
    p.groups.length === 1 && only ? `${env.appUrl}/orgs/${p.orgId}/groups/${only.id}?tab=stats` : `${env.appUrl}/orgs/${p.orgId}/groups`;
  const prefsUrl = p.prefsToken ? `${env.appUrl}/digest?token=${encodeURIComponent(p.prefsToken)}` : null;
  const k = (weekly: string, day: string) => `mail.observerDigest.${daily ? day : weekly}`;
  return {
    subject: env.t(k('subject', 'subjectDaily'), { org: p.orgName }),
    headers: p.prefsToken
      ? {
          'List-Unsubscribe': `<${env.appUrl}/api/v1/digest/unsubscribe?token=${encodeURIComponent(p.prefsToken)}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        }
      : undefined,
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t(k('intro', 'introDaily'), { org: p.orgName })}
        heading={env.t(k('heading', 'headingDaily'))}
        paragraphs={[
          env.t(k('intro', 'introDaily'), { org: p.orgName }),
          ...p.groups.flatMap((g) => groupLines(env, g)),
          env.t(k('why', 'whyDaily')),
        ]}
        action={{ label: env.t('mail.observerDigest.action'), url }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
        after={
          prefsUrl && (
            <Text style={{ fontSize: '13px', color: '#52606d' }}>
              {env.t('mail.observerDigest.preferences')} <Link href={prefsUrl}>{prefsUrl}</Link>
            </Text>
          )
        }
      />
    ),
  };
};
