import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** `head`: the message's first 4 KiB (its headers). */
export type Delivery = { to: string[]; messageId: string; at: number; head: string };

/** A real SMTP server on loopback that records each accepted message (its Message-ID and when), optionally slowly. */
export async function startSmtpSink(o: { delayMs?: number } = {}) {
  const received: Delivery[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 200,
    onData(stream, session, cb) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 4096) head += c.toString('utf8');
      });
      stream.on('end', () => {
        const messageId = /^Message-ID:\s*<([^>]+)>/im.exec(head)?.[1] ?? '';
        const done = () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), messageId, at: Date.now(), head });
          cb();
        };
        if (o.delayMs) setTimeout(done, o.delayMs);
        else done();
      });
    },
  });
  server.on('error', () => {}); // a killed client resets its connections: not the server's failure
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
