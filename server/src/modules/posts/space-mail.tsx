/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { MailLayout } from '../../mail/layout.js';
import type { MailTemplate } from '../../mail/templates/index.js';

export type SpaceDigestItem = {
  kind: 'post' | 'comment';
  groupId: string | null;
  sessionId?: string | null;
  groupName: string;
  authorName: string;
  excerpt: string;
};
export type SpaceDigestParams = { orgId: string; orgName: string; items: SpaceDigestItem[]; more: number; daily?: boolean };

/** What is new in the spaces of the groups an observer follows, since the last such email. */
export const spaceDigest: MailTemplate = (p: SpaceDigestParams, env) => {
  // A group's space opens in the group's page; a session's discussion in the learner's pages.
  const space = (i: SpaceDigestItem) =>
    i.sessionId ? `${env.appUrl}/home/sessions/${p.orgId}/${i.sessionId}` : `${env.appUrl}/orgs/${p.orgId}/groups/${i.groupId}?tab=space`;
  const spaces = [...new Set(p.items.map(space))];
  const [only] = spaces;
  const url = spaces.length === 1 && only ? only : `${env.appUrl}/orgs/${p.orgId}/groups`;
  const lines = p.items.map(
    (i, n) => `${n + 1}. ${env.t(`mail.spaceDigest.${i.kind}`, { group: i.groupName, author: i.authorName })}\n${space(i)}\n“${i.excerpt}”`,
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
        paragraphs={[
          env.t(p.daily ? 'mail.spaceDigest.introDaily' : 'mail.spaceDigest.intro', { org: p.orgName }),
          ...lines,
          env.t(p.daily ? 'mail.spaceDigest.whyDaily' : 'mail.spaceDigest.why'),
        ]}
        action={{ label: env.t('mail.spaceDigest.action'), url }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};
