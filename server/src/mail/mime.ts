import type { OutgoingMail } from './transport.js';

// The MIME message of an outgoing email, built directly: multipart/alternative with a plain-text and an
// HTML part, both UTF-8 in base64 (Buffer's native encoder; lines of 76). nodemailer's composer builds
// the same message through a tree of streams and a quoted-printable encoder written in JavaScript: at a
// thousand messages a second, that was half of a worker's time. nodemailer still carries the message
// (pooled SMTP connections, dot-stuffing); a message this builder does not handle goes through its
// composer as before.

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const BOUNDARY = '=_troupe_alt_0c7f2e'; // base64 lines never start with "--", so no part can contain it

/** Base64 of UTF-8 text, in lines of 76 characters (RFC 2045). */
function base64Lines(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

/**
 * A header value as RFC 2047 encoded words when it is not plain ASCII: UTF-8 in base64, at most 39 bytes
 * (52 characters of base64) per word so that `Subject: ` and a word fit in 78 characters; never cuts a character.
 */
function encodeWords(value: string): string {
  if (ASCII_PRINTABLE.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** The address of a `Name <address>` or bare address (the SMTP envelope's sender). */
function addressOf(from: string): string {
  return /<([^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/** `Name <address>` with the name encoded when it needs to be; null when the address itself is not plain ASCII. */
function mailbox(from: string): string | null {
  const address = addressOf(from);
  if (!ASCII_PRINTABLE.test(address) || /[<>\s]/.test(address)) return null;
  const name = from.slice(0, Math.max(0, from.lastIndexOf('<'))).trim();
  if (!name) return address;
  const plain = ASCII_PRINTABLE.test(name) && !/["\\]/.test(name) ? (/[(),.:;@[\]]/.test(name) ? `"${name}"` : name) : encodeWords(name);
  return `${plain} <${address}>`;
}

/**
 * The raw message and its envelope, or null when something in it needs the full composer (an address
 * that is not plain ASCII, a header name or value outside printable ASCII).
 */
export function buildRawMessage(mail: OutgoingMail, date = new Date()): { raw: Buffer; envelope: { from: string; to: string[] } } | null {
  const from = mailbox(mail.from);
  const to = ASCII_PRINTABLE.test(mail.to) && !/[<>\s,]/.test(mail.to) ? mail.to : null;
  if (!from || !to || !ASCII_PRINTABLE.test(mail.messageId)) return null;
  const extra = Object.entries(mail.headers ?? {});
  if (extra.some(([k, v]) => !/^[A-Za-z0-9-]+$/.test(k) || !ASCII_PRINTABLE.test(v) || k.length + v.length > 900)) return null;
  const head = [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${encodeWords(mail.subject)}`,
    `Message-ID: ${mail.messageId}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    ...extra.map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${BOUNDARY}"`,
  ];
  const part = (type: string, body: string) =>
    `--${BOUNDARY}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(body)}\r\n`;
  const raw = `${head.join('\r\n')}\r\n\r\n${part('text/plain', mail.text)}${part('text/html', mail.html)}--${BOUNDARY}--\r\n`;
  return { raw: Buffer.from(raw, 'latin1'), envelope: { from: addressOf(mail.from), to: [to] } };
}
