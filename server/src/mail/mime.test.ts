import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildRawMessage } from './mime.js';
import { createMailer, type OutgoingMail } from './transport.js';

const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  messageId: '<0193a5f0-1111-7000-8000-000000000001@troupe>',
  from: 'Équipe Troupe <no-reply@troupe.local>',
  to: 'ada@example.com',
  subject: 'Invitation à rejoindre « Académie Lyon » — 🎓 votre espace de formation vous attend',
  text: `Bonjour,\n\nVous êtes invitée. ${'Une ligne très longue. '.repeat(40)}\n.\n.fin\nhttps://troupe.test/invitations/abc`,
  html: `<p>Bonjour,</p>\n.<p>${'<b>é</b>'.repeat(300)}</p>`,
  headers: { 'List-Unsubscribe': '<https://troupe.test/api/v1/digest/unsubscribe?token=abc.def>' },
  ...over,
});

/** What a mail client reads from the message. */
async function read(raw: Buffer) {
  const m = await simpleParser(raw);
  return {
    from: m.from?.value[0],
    to: (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address,
    subject: m.subject,
    messageId: m.messageId,
    text: m.text,
    html: m.html,
    unsubscribe: m.headerLines.find((h) => h.key === 'list-unsubscribe')?.line,
  };
}

/** Subjects as templates make them (one line, any script); bodies of any characters and line breaks. */
const subjects = fc.string({ unit: 'grapheme', maxLength: 120 }).filter((s) => !/[\x00-\x1f\x7f]/.test(s));
const bodies = fc.string({
  unit: fc.oneof(fc.constantFrom('\n', '.', '\n.', ' '), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  maxLength: 400,
});

describe('outgoing MIME messages', () => {
  it('reads back in a mail parser exactly as written: names, subject, both parts, extra headers', async () => {
    const m = mail();
    const built = buildRawMessage(m);
    expect(built?.envelope).toEqual({ from: 'no-reply@troupe.local', to: ['ada@example.com'] });
    const raw = built?.raw.toString('latin1') ?? '';
    // Lines of 78 characters at most (RFC 5322), but for the given headers' (998 at most).
    expect(raw.split('\r\n').filter((l) => l.length > 78 && !l.startsWith('List-Unsubscribe:'))).toEqual([]);
    const got = await read(built?.raw ?? Buffer.alloc(0));
    expect(got).toMatchObject({
      from: { name: 'Équipe Troupe', address: 'no-reply@troupe.local' },
      to: 'ada@example.com',
      subject: m.subject,
      messageId: m.messageId,
      text: m.text,
      html: m.html,
    });
    expect(got.unsubscribe).toBe('List-Unsubscribe: <https://troupe.test/api/v1/digest/unsubscribe?token=abc.def>');
  });

  it('leaves to the full composer what it does not build: non-ASCII addresses, header injection', () => {
    expect(buildRawMessage(mail({ to: 'zoë@exemple.fr' }))).toBeNull();
    expect(buildRawMessage(mail({ headers: { 'List-Unsubscribe': '<https://x>\r\nBcc: eve@example.com' } }))).toBeNull();
    expect(buildRawMessage(mail({ headers: { 'Bad Header': 'x' } }))).toBeNull();
    expect(buildRawMessage(mail({ to: 'ada@example.com, eve@example.com' }))).toBeNull();
  });

  it('round-trips any subject and body (property)', async () => {
    await fc.assert(
      fc.asyncProperty(subjects, bodies, async (subject, body) => {
        const m = mail({ subject, text: body, html: `<p>${body}</p>` });
        const got = await read(buildRawMessage(m)?.raw ?? Buffer.alloc(0));
        // A mail parser trims the subject's surrounding blanks; the parts come back as written.
        expect(got.subject ?? '').toBe(subject.trim());
        expect(got.text ?? '').toBe(body);
        expect(got.html).toBe(`<p>${body}</p>`);
      }),
      { numRuns: 150, seed: 20261202 },
    );
  });

  it('goes through the pooled SMTP connections to a real server, whole', async () => {
    const received: Buffer[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(parts));
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const mailer = createMailer(`smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, {
      poolConnections: 2,
      poolMessages: 100,
      ratePerSecond: 0,
    });
    try {
      await Promise.all([mail(), mail({ to: 'zoë@exemple.fr', messageId: '<two@troupe>' })].map((m) => mailer.deliver(m)));
      const got = await Promise.all(received.map(read));
      const byId = new Map(got.map((g) => [g.messageId, g]));
      expect(byId.get(mail().messageId)).toMatchObject({ subject: mail().subject, text: mail().text, html: mail().html });
      // The one the builder left to nodemailer's composer arrives the same way.
      expect(byId.get('<two@troupe>')).toMatchObject({ to: 'zoë@exemple.fr', subject: mail().subject, text: mail().text });
    } finally {
      mailer.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
