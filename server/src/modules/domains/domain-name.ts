import { normalizeDomainEntry } from '../../lib/email-address.js';

/** Normalises a domain as typed (`Exämple.COM.`): lower case, punycode, no trailing dot; null when it is not a domain. */
export function normalizeDomain(input: string): string | null {
  const trimmed = input.normalize('NFC').trim();
  if (trimmed.startsWith('*') || trimmed.includes('@') || trimmed.includes('/')) return null;
  return normalizeDomainEntry(trimmed);
}
