// The same reading of pasted address lists as the server (server/src/modules/invitations/address-list.ts
// and server/src/lib/email-address.ts), so the form can say what will be skipped before sending.
// The server stays the judge: this is only a preview.

const FORBIDDEN = /[\u0000-\u001f\u007f\s<>()[\]\\,;:"]/u;
const LOCAL_ATOM = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+$/u;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function toAsciiDomain(domain: string): string | null {
  if (/[/?#%@]/.test(domain)) return null;
  try {
    return new URL(`http://${domain}`).hostname;
  } catch {
    return null;
  }
}

/** The comparison key of an acceptable address, or null when the server would refuse it. */
export function emailKey(input: string): string | null {
  const trimmed = input.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > 320 || FORBIDDEN.test(trimmed)) return null;
  const at = trimmed.indexOf('@');
  if (at <= 0 || at !== trimmed.lastIndexOf('@')) return null;
  const local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1);
  if (local.length > 64 || !LOCAL_ATOM.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (!domain || domain.includes('..')) return null;
  const ascii = toAsciiDomain(domain.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) return null;
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return null;
  return `${local.replace(/[A-Z]/g, (c) => c.toLowerCase())}@${ascii}`.toLowerCase();
}

export type AddressPreview = {
  /** Distinct acceptable addresses, in the order typed. */
  valid: string[];
  invalid: string[];
  duplicates: string[];
};

/** Splits on commas, semicolons, spaces and new lines; `Name <address>` gives the address. */
export function previewAddresses(text: string): AddressPreview {
  const entry = /(?:"[^"]*"|[^,;\n\r<>"@])*<([^<>]*)>|((?:"[^"]*"|[^\s,;<>"])+)/g;
  const seen = new Set<string>();
  const out: AddressPreview = { valid: [], invalid: [], duplicates: [] };
  for (const m of text.matchAll(entry)) {
    const raw = (m[1] ?? m[2] ?? '').trim();
    if (!raw) continue;
    const key = emailKey(raw);
    if (!key) out.invalid.push(raw);
    else if (seen.has(key)) out.duplicates.push(raw);
    else {
      seen.add(key);
      out.valid.push(raw);
    }
  }
  return out;
}
