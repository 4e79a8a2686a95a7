import type { Db } from '../db/client.js';

/**
 * What follows a delivery, per template, inside the transaction that records it (so a run that dies
 * between the two leaves nothing half-done): e.g. an invitation becomes pending once the SMTP server
 * accepted its message. Set-based: one call per template and recorded group of messages.
 */
export type MailHook = {
  templates: string[];
  sent?(tx: Db, refIds: string[]): Promise<void>;
  /** Delivery failed (it will be retried): `error` is the server's answer. */
  failed?(tx: Db, failures: { refId: string; error: string }[]): Promise<void>;
};

/** The hooks of every feature, by template: built once at start from the list the modules export. */
export type MailHooks = ReadonlyMap<string, MailHook[]>;

export function indexMailHooks(list: MailHook[]): MailHooks {
  const byTemplate = new Map<string, MailHook[]>();
  for (const h of list) for (const t of h.templates) byTemplate.set(t, [...(byTemplate.get(t) ?? []), h]);
  return byTemplate;
}
