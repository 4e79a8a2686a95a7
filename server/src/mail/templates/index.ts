import type { TFunction } from 'i18next';
import type { ReactElement } from 'react';
import { accountExists, resetPassword, verifyEmail } from './accounts.js';
import { importDone, invitation, passcodeCopy, sessionInvitation, welcomeSetPassword } from './invitations.js';
import { joinPageVerify } from './join-page.js';
import { observerDigest } from './observers.js';

export type TemplateEnv = { t: TFunction; appUrl: string; locale: string };
export type RenderedTemplate = { subject: string; element: ReactElement };
/** A template turns stored params (ids, names, a token) into a subject and a React email. */
// biome-ignore lint/suspicious/noExplicitAny: each template declares its own params; the registry maps names to all of them
export type MailTemplate = (params: any, env: TemplateEnv) => RenderedTemplate | Promise<RenderedTemplate>;

const templates = new Map<string, MailTemplate>([
  ['verify-email', verifyEmail],
  ['reset-password', resetPassword],
  ['account-exists', accountExists],
  ['invitation', invitation],
  ['session-invitation', sessionInvitation],
  ['welcome-set-password', welcomeSetPassword],
  ['passcode-copy', passcodeCopy],
  ['import-done', importDone],
  ['join-page-verify', joinPageVerify],
  ['observer-digest', observerDigest],
]);

/** Adds templates of a feature module. */
export function registerTemplates(entries: Record<string, MailTemplate>): void {
  for (const [name, tpl] of Object.entries(entries)) templates.set(name, tpl);
}

export function getTemplate(name: string): MailTemplate {
  const tpl = templates.get(name);
  if (!tpl) throw new Error(`unknown mail template ${name}`);
  return tpl;
}
