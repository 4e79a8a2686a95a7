import { normalizeEmail, type NormalizedEmail } from '../../lib/email-address.js';

export type ParsedAddress = { input: string; address: NormalizedEmail | null };

/**
 * Splits pasted text into addresses: separated by commas, semicolons, spaces or new lines,
 * with `Name <address>` accepted. Keeps what could not be read, to report it.
 */
export function parseAddressList(inputs: string[]): ParsedAddress[] {
  const out: ParsedAddress[] = [];
  // Either `Name <address>` (a name has no @ and no separators, or is quoted), or a bare token.
  const entry = /(?:"[^"]*"|[^,;\n\r<>"@])*<([^<>]*)>|((?:"[^"]*"|[^\s,;<>"])+)/g;
  for (const input of inputs) {
    for (const m of input.matchAll(entry)) {
      const raw = (m[1] ?? m[2] ?? '').trim();
      if (raw) out.push({ input: raw, address: normalizeEmail(raw) });
    }
  }
  return out;
}

export type SkipReason = 'invalid_email' | 'duplicate_in_list' | 'already_member' | 'already_invited' | 'already_enrolled' | 'not_a_member';
export type Skipped = { email: string; reason: SkipReason; invitationId?: string };

/** Drops invalid addresses and repeats (compared case-insensitively), saying why for each. */
export function screenAddresses(parsed: ParsedAddress[]): { valid: NormalizedEmail[]; skipped: Skipped[] } {
  const seen = new Set<string>();
  const valid: NormalizedEmail[] = [];
  const skipped: Skipped[] = [];
  for (const p of parsed) {
    if (!p.address) skipped.push({ email: p.input.slice(0, 320), reason: 'invalid_email' });
    else if (seen.has(p.address.key.toLowerCase())) skipped.push({ email: p.address.email, reason: 'duplicate_in_list' });
    else {
      seen.add(p.address.key.toLowerCase());
      valid.push(p.address);
    }
  }
  return { valid, skipped };
}
