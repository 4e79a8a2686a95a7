import nodemailer from 'nodemailer';
import { buildRawMessage } from './mime.js';

export type OutgoingMail = {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  from: string;
  headers?: Record<string, string>;
};
/** Delivers mail; `kind: 'mailbox'` only records it (the development mailbox shows what was sent). */
export type Mailer = {
  kind: 'smtp' | 'mailbox';
  /** Resolves once the SMTP server accepted the message; rejects with `MailAborted` if `signal` fired before it was handed over. */
  deliver(mail: OutgoingMail, signal?: AbortSignal): Promise<void>;
  close(): void;
};

export type MailerOptions = { poolConnections: number; poolMessages: number; ratePerSecond: number };

/** The message was never handed to the SMTP server (the process is stopping): it can be released for another worker. */
export class MailAborted extends Error {
  constructor() {
    super('mail not sent: the worker is stopping');
  }
}

/**
 * Lets at most `concurrency` messages be in the SMTP pool at once (so a stopping worker holds few) and,
 * when `ratePerSecond` > 0, hands them over no faster than that (relays have quotas; per process).
 */
function createGate(concurrency: number, ratePerSecond: number) {
  let active = 0;
  let nextAt = 0;
  const waiting: (() => void)[] = [];
  const interval = ratePerSecond > 0 ? 1000 / ratePerSecond : 0;
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return async function acquire(signal?: AbortSignal): Promise<() => void> {
    if (active >= concurrency) await new Promise<void>((r) => waiting.push(r));
    active++;
    if (interval > 0) {
      const now = Date.now();
      const at = Math.max(now, nextAt);
      nextAt = at + interval;
      if (at - now >= 1) await new Promise((r) => setTimeout(r, at - now));
    }
    if (signal?.aborted) {
      release();
      throw new MailAborted();
    }
    return release;
  };
}

/** SMTP through a pool of kept-open nodemailer connections when a URL is given, otherwise the development mailbox. */
export function createMailer(smtpUrl?: string, o: MailerOptions = { poolConnections: 5, poolMessages: 1000, ratePerSecond: 0 }): Mailer {
  if (!smtpUrl) return { kind: 'mailbox', deliver: async () => {}, close: () => {} };
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: o.poolConnections,
    maxMessages: o.poolMessages,
    // A dead server must not hold a claimed message for minutes: give up and retry it later.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const acquire = createGate(o.poolConnections * 8, o.ratePerSecond);
  return {
    kind: 'smtp',
    async deliver(mail, signal) {
      const release = await acquire(signal);
      try {
        // A message built here (the usual case) skips nodemailer's composer; anything unusual goes through it.
        const built = buildRawMessage(mail);
        await transport.sendMail(built ? { envelope: built.envelope, raw: built.raw } : mail);
      } finally {
        release();
      }
    },
    close: () => transport.close(),
  };
}
