import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// SSO client secrets are stored sealed with AES-256-GCM under a key derived from SECRETS_KEY (or the
// key generated in the data folder), as mail/sealed-links.ts seals reminder links. They are never
// returned by the API: only whether one is set.

const keyOf = (secret: string) => createHash('sha256').update(`troupe sso secrets\0${secret}`).digest();

export function sealSecret(plain: string, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(key), iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct].map((b) => (typeof b === 'string' ? b : b.toString('base64url'))).join('.');
}

/** The secret, or null when it cannot be opened (another key, altered). */
export function openSecret(sealed: string, key: string): string | null {
  try {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || !ct) return null;
    const decipher = createDecipheriv('aes-256-gcm', keyOf(key), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
