/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import type { MailTemplate } from '../../mail/templates/index.js';

export type SpaceDigestItem = { kind: 'post' | 'comment'; groupId: string; groupName: string; authorName: string; excerpt: string };
export type SpaceDigestParams = { orgId: string; orgName: string; items: SpaceDigestItem[]; more: number };

/** What is new in the spaces of the groups an observer follows, since the last such email. */
export const spaceDigest: MailTemplate = (p: SpaceDigestParams, env) => {
  const groups = [...new Set(p.items.map((i) => i.groupId))];
  const [only] = groups;
  const space = (groupId: string) => `${env.appUrl}/orgs/${p.orgId}/groups/${groupId}?tab=space`;
  const url = groups.length === 1 && only ? space(only) : `${env.appUrl}/orgs/${p.orgId}/groups`;
  const lines = p.items.map(
    (i, n) =>
      `${n + 1}. ${env.t(`mail.spaceDigest.${i.kind}`, { group: i.groupName, author: i.authorName })}\n${space(i.groupId)}\n“${i.excerpt}”`,
  );
  if (p.more > 0) lines.push(env.t('mail.spaceDigest.more', { count: p.more }));
  const total = p.items.length + p.more;
  return {
    subject: env.t('mail.spaceDigest.subject', { count: total, org: p.orgName }),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.spaceDigest.intro', { org: p.orgName })}
        heading={env.t('mail.spaceDigest.heading')}
        paragraphs={[env.t('mail.spaceDigest.intro', { org: p.orgName }), ...lines, env.t('mail.spaceDigest.why')]}
        action={{ label: env.t('mail.spaceDigest.action'), url }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};
