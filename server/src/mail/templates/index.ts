import type { TFunction } from 'i18next';
import type { ReactElement } from 'react';
import { accountExists, resetPassword, verifyEmail } from './accounts.js';
import { importDone, invitation, passcodeCopy, sessionInvitation, welcomeSetPassword } from './invitations.js';
import { joinPageVerify } from './join-page.js';
import { observerDigest } from './observers.js';

export type TemplateEnv = { t: TFunction; appUrl: string; locale: string };
/** `headers`: extra message headers (e.g. `List-Unsubscribe`, RFC 8058), values filled like the text part. */
export type RenderedTemplate = { subject: string; element: ReactElement; headers?: Record<string, string> };
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

/**
 * Params that differ per recipient and appear only as text or in a link: the rest of the message is
 * rendered once per batch and these are filled in (see `renderFilled`). A `token` must be URL-safe.
 */
const perRecipient = new Map<string, string[]>([
  ['verify-email', ['token', 'name']],
  ['reset-password', ['token']],
  ['invitation', ['token', 'email']],
  ['session-invitation', ['token', 'email']],
  ['welcome-set-password', ['token', 'name']],
  ['join-page-verify', ['token', 'email']],
]);

export function fillFields(template: string): string[] {
  return perRecipient.get(template) ?? [];
}

export function getTemplate(name: string): MailTemplate {
  const tpl = templates.get(name);
  if (!tpl) throw new Error(`unknown mail template ${name}`);
  return tpl;
}
