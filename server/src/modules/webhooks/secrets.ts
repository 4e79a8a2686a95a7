import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// Endpoint secrets must be read back to sign, so they are encrypted, not hashed: AES-256-GCM with
// a key derived from SESSION_SECRET (generated into the data folder when not set). Changing
// SESSION_SECRET makes stored secrets unreadable: rotate every endpoint's secret afterwards.

/** A new signing secret as Standard Webhooks writes it: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const keyOf = (sessionSecret: string) => createHash('sha256').update(`troupe webhook secrets\0${sessionSecret}`).digest();

/** Encrypts a secret for storage: base64url(iv).base64url(tag).base64url(ciphertext). */
export function encryptSecret(secret: string, sessionSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(sessionSecret), iv);
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url')).join('.');
}

/** Decrypts a stored secret. */
export function decryptSecret(stored: string, sessionSecret: string): string {
  const [iv, tag, ct] = stored.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !ct) throw new Error('malformed stored secret');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(sessionSecret), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
}

/** The `webhook-signature` header: one `v1,…` signature per secret (two during a rotation's overlap). */
export function signatureHeader(secrets: string[], msgId: string, timestamp: Date, body: string): string {
  return secrets.map((s) => new Webhook(s).sign(msgId, timestamp, body)).join(' ');
}
