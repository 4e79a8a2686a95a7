import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// Tokens are stored hashed, and an email's params are dropped once it is sent. A reminder must carry
// the very link the first email carried (issue 14: no new token), so for the templates below the token
// is kept after sending, sealed with AES-256-GCM under a key derived from SESSION_SECRET (changing the
// secret only means reminders of older invitations are skipped: the link itself keeps working).

/** Templates whose link a reminder repeats. */
const SEALED_TEMPLATES = new Set(['invitation']);

const keyOf = (secret: string) => createHash('sha256').update(`troupe sealed links\0${secret}`).digest();

/** The sealed form of the message's token, when its template's link is repeated later; otherwise null. */
export function sealLink(template: string, params: unknown, secret: string): string | null {
  const token = (params as { token?: unknown } | null)?.token;
  if (!SEALED_TEMPLATES.has(template) || typeof token !== 'string' || token === '') return null;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const ct = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url')).join('.');
}

/** The token a sealed link holds, or null when it cannot be opened (another secret, altered). */
export function unsealLink(sealed: string, secret: string): string | null {
  try {
    const [iv, tag, ct] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !tag || !ct) return null;
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
