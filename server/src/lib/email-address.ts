import { domainToASCII } from 'node:url';

export type NormalizedEmail = {
  /** The address as stored and shown: trimmed, NFC, domain lower-cased and in punycode. */
  email: string;
  /** The comparison key: like `email` with ASCII letters of the local part lower-cased. */
  key: string;
  /** The domain in punycode, lower-case, without a trailing dot. */
  domain: string;
};

// Control characters, spaces inside, angle brackets, parentheses (comments) and a few others never belong in an address we accept.
const FORBIDDEN = /[\u0000-\u001f\u007f\s<>()[\]\\,;:"]/u;
const LOCAL_ATOM = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+$/u;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * domainToASCII, remembered for the domains seen last: an import of 1,000,000 addresses names a few
 * domains, and converting each address's domain again cost about a second. Bounded.
 */
const asciiDomains = new Map<string, string>();
function asciiDomain(lower: string): string {
  let ascii = asciiDomains.get(lower);
  if (ascii === undefined) {
    ascii = domainToASCII(lower);
    if (asciiDomains.size >= 10_000) asciiDomains.clear();
    asciiDomains.set(lower, ascii);
  }
  return ascii;
}

/** Normalizes an email address once, the same way everywhere; returns null when it is not an acceptable address. */
export function normalizeEmail(input: unknown): NormalizedEmail | null {
  if (typeof input !== 'string') return null;
  const trimmed = input.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > 320 || FORBIDDEN.test(trimmed)) return null;
  const at = trimmed.indexOf('@');
  if (at <= 0 || at !== trimmed.lastIndexOf('@')) return null;
  const local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1);
  if (local.length > 64 || !LOCAL_ATOM.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (!domain || domain.includes('..')) return null;
  const ascii = asciiDomain(domain.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) return null;
  if (/^\d+$/.test(labels.at(-1) ?? '')) return null;
  const email = `${local}@${ascii}`;
  const key = `${local.replace(/[A-Z]/g, (c) => c.toLowerCase())}@${ascii}`;
  return { email, key, domain: ascii };
}

/** Whole-domain match against an allow-list; `*.example.com` allows sub-domains only. Empty list allows all. */
export function isDomainAllowed(domain: string, allowList: string[]): boolean {
  if (allowList.length === 0) return true;
  return allowList.some((entry) => {
    const e = normalizeDomainEntry(entry);
    if (!e) return false;
    if (e.startsWith('*.')) {
      const base = e.slice(2);
      return domain.endsWith(`.${base}`) && domain.length > base.length + 1;
    }
    return domain === e;
  });
}

/** Normalizes an allow-list entry (`Example.COM.`, `*.exämple.com`); null when it is not a domain. */
export function normalizeDomainEntry(entry: string): string | null {
  let e = entry.normalize('NFC').trim().toLowerCase();
  const wildcard = e.startsWith('*.');
  if (wildcard) e = e.slice(2);
  if (e.endsWith('.')) e = e.slice(0, -1);
  const ascii = domainToASCII(e);
  if (!ascii || ascii.split('.').length < 2 || !ascii.split('.').every((l) => DOMAIN_LABEL.test(l))) return null;
  return wildcard ? `*.${ascii}` : ascii;
}
