import nodemailer from 'nodemailer';

export type OutgoingMail = { messageId: string; to: string; subject: string; text: string; html: string; from: string };
/** Delivers mail; `kind: 'mailbox'` only records it (the development mailbox shows what was sent). */
export type Mailer = { kind: 'smtp' | 'mailbox'; deliver(mail: OutgoingMail): Promise<void>; close(): void };

/** SMTP through nodemailer when a URL is given, otherwise the development mailbox. */
export function createMailer(smtpUrl?: string): Mailer {
  if (!smtpUrl) return { kind: 'mailbox', deliver: async () => {}, close: () => {} };
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async deliver(mail) {
      await transport.sendMail({ ...mail, messageId: mail.messageId });
    },
    close: () => transport.close(),
  };
}
