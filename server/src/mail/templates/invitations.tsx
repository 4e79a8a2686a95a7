/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Section, Text } from '@react-email/components';
import { MailLayout } from '../layout.js';
import type { MailTemplate, TemplateEnv } from './index.js';

type InvitationParams = {
  token?: string;
  orgName: string;
  inviterName: string;
  email: string;
  message?: string | null;
  groupNames?: string[];
  copy?: boolean;
};

const quote = (env: TemplateEnv, inviter: string, message?: string | null) =>
  message ? (
    <Section style={{ borderLeft: '3px solid #d9e2ec', paddingLeft: '12px' }}>
      <Text style={{ fontSize: '13px', color: '#52606d' }}>{env.t('mail.invitation.messageFrom', { inviter })}</Text>
      {/* The admin's message is text: React escapes it, so HTML in it shows as typed. */}
      <Text style={{ fontSize: '15px', whiteSpace: 'pre-wrap' }}>{message}</Text>
    </Section>
  ) : null;

/** An email invitation: the organization, the inviter, their message, and Troupe's own link and instructions. */
export const invitation: MailTemplate = (p: InvitationParams, env) => {
  const vars = { org: p.orgName, inviter: p.inviterName, email: p.email };
  const paragraphs = [env.t('mail.invitation.body', vars)];
  if (p.groupNames?.length) paragraphs.push(env.t('mail.invitation.groups', { groups: p.groupNames.join(', ') }));
  if (p.copy) paragraphs.unshift(env.t('mail.invitationCopy.body', vars));
  else paragraphs.push(env.t('mail.invitation.howTo', vars));
  return {
    subject: p.copy ? env.t('mail.invitationCopy.subject', vars) : env.t('mail.invitation.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.invitation.body', vars)}
        heading={p.copy ? env.t('mail.invitationCopy.heading') : env.t('mail.invitation.heading', vars)}
        paragraphs={paragraphs}
        action={p.token ? { label: env.t('mail.invitation.action'), url: `${env.appUrl}/invitations/${p.token}` } : undefined}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      >
        {quote(env, p.inviterName, p.message)}
      </MailLayout>
    ),
  };
};

export const sessionInvitation: MailTemplate = (p: InvitationParams & { programTitle: string; opensAt: string }, env) => {
  const opensAt = new Intl.DateTimeFormat(env.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(p.opensAt),
  );
  const vars = { org: p.orgName, inviter: p.inviterName, program: p.programTitle, opensAt };
  return {
    subject: env.t('mail.sessionInvitation.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.sessionInvitation.body', vars)}
        heading={env.t('mail.sessionInvitation.heading', vars)}
        paragraphs={[env.t('mail.sessionInvitation.body', vars), env.t('mail.invitation.howTo', { email: p.email })]}
        action={{ label: env.t('mail.sessionInvitation.action'), url: `${env.appUrl}/invitations/${p.token}` }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      >
        {quote(env, p.inviterName, p.message)}
      </MailLayout>
    ),
  };
};

export const welcomeSetPassword: MailTemplate = (p: { token: string; name: string; orgName: string; inviterName: string }, env) => {
  const vars = { org: p.orgName, inviter: p.inviterName, name: p.name };
  return {
    subject: env.t('mail.welcomeSetPassword.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.welcomeSetPassword.body', vars)}
        heading={env.t('mail.welcomeSetPassword.heading', vars)}
        paragraphs={[env.t('mail.welcomeSetPassword.body', vars)]}
        action={{ label: env.t('mail.welcomeSetPassword.action'), url: `${env.appUrl}/set-password?token=${encodeURIComponent(p.token)}` }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};

export const passcodeCopy: MailTemplate = (
  p: { name: string; passcode: string; capacity: number; orgName: string; inviterName: string; message?: string | null },
  env,
) => {
  const vars = { org: p.orgName, name: p.name, capacity: p.capacity, passcode: p.passcode };
  return {
    subject: env.t('mail.passcodeCopy.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.passcodeCopy.body', vars)}
        heading={env.t('mail.passcodeCopy.heading', vars)}
        paragraphs={[env.t('mail.passcodeCopy.body', vars), env.t('mail.passcodeCopy.passcode', vars)]}
        action={{ label: env.t('mail.passcodeCopy.action'), url: `${env.appUrl}/join/code` }}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      >
        {quote(env, p.inviterName, p.message)}
      </MailLayout>
    ),
  };
};

export const importDone: MailTemplate = (
  p: {
    orgName: string;
    fileName: string;
    created: number;
    addedToGroups: number;
    alreadyThere: number;
    skipped: number;
    updated?: number;
    archived?: number;
  },
  env,
) => {
  // Issue 15: members updated and archived by an update or sync, when there are any.
  const keys = ['created', 'addedToGroups', 'alreadyThere', 'skipped', 'updated', 'archived'] as const;
  const counts = keys
    .filter((k) => (k !== 'updated' && k !== 'archived' ? true : Number(p[k] ?? 0) > 0))
    .map((k) => env.t(`mail.importDone.${k}`, { count: Number(p[k] ?? 0) }));
  const vars = { org: p.orgName, file: p.fileName || '—', summary: counts.join(', ') };
  return {
    subject: env.t('mail.importDone.subject', vars),
    element: (
      <MailLayout
        locale={env.locale}
        preview={env.t('mail.importDone.body', vars)}
        heading={env.t('mail.importDone.heading')}
        paragraphs={[env.t('mail.importDone.body', vars)]}
        linkFallback={env.t('mail.linkFallback')}
        footer={env.t('mail.footer', { org: p.orgName })}
      />
    ),
  };
};
