import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { queueEmails } from './outbox.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../test/agent.js';
import { PASSWORD } from '../../test/factories.js';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';
import { one } from '../lib/rows.js';
import { queryRows } from '../lib/sql.js';

type Received = { to: string[]; raw: string };

/** A real SMTP server on loopback that can be told to refuse mail for a while. */
function startSink() {
  const received: Received[] = [];
  const state = { failing: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (state.failing) return cb(Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 }));
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  return new Promise<{ url: string; received: Received[]; state: typeof state; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.server.address() as AddressInfo).port;
      resolve({ url: `smtp://127.0.0.1:${port}`, received, state, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

let sink: Awaited<ReturnType<typeof startSink>>;
let t: TestApp;
beforeAll(async () => {
  sink = await startSink();
  t = await createTestApp({ smtpUrl: sink.url, retryDelaySeconds: 1 });
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

type EmailRow = { status: string; attempts: number; last_error: string | null; text_body: string | null; params: unknown };
/** The one email row sent to an address. */
const emailRowFor = async (to: string) =>
  one(
    await queryRows<EmailRow>(t.ctx.db, sql`SELECT status, attempts, last_error, text_body, params FROM emails WHERE to_address = ${to}`),
    'email',
  );

describe('email over SMTP', () => {
  it('delivers through a real SMTP conversation, with a text part holding the full link, and keeps no token afterwards', async () => {
    const email = `smtp-${uid()}@example.com`;
    await new Agent(t.app).post('/api/v1/auth/register', { email, password: PASSWORD, name: 'Sam', locale: 'fr' });
    await t.drain();
    const mail = sink.received.find((m) => m.to.includes(email));
    expect(mail).toBeTruthy();
    // Read as a mail client would: a French subject, a plain-text part with the whole link, an HTML part.
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.subject).toMatch(/Confirmez/);
    expect(parsed.text).toMatch(/http:\/\/troupe\.test\/verify-email\?token=[\w-]{40,}/);
    expect(parsed.html).toMatch(/verify-email\?token=/);
    const row = await emailRowFor(email);
    expect(row.status).toBe('sent');
    expect(row.text_body).toBeNull();
    expect(row.params).toEqual({});
    // The development mailbox does not exist when SMTP is configured.
    expect((await t.app.inject('/dev/mailbox')).statusCode).toBe(404);
  });

  it('keeps a message queued while the SMTP server refuses it, retries with backoff, and delivers it exactly once', async () => {
    const email = `retry-${uid()}@example.com`;
    sink.state.failing = true;
    await new Agent(t.app).post('/api/v1/auth/register', { email, password: PASSWORD, name: 'Rita' });
    await t.drain();
    let row = await emailRowFor(email);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/451|unavailable/i);
    expect(sink.received.filter((m) => m.to.includes(email))).toHaveLength(0);

    sink.state.failing = false;
    for (let i = 0; i < 20 && row.status !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await t.drain();
      row = await emailRowFor(email);
    }
    expect(row.status).toBe('sent');
    await t.drain();
    expect(sink.received.filter((m) => m.to.includes(email))).toHaveLength(1);
  });

  it('does not send a message twice when its job runs twice', async () => {
    const email = `twice-${uid()}@example.com`;
    await new Agent(t.app).post('/api/v1/auth/register', { email, password: PASSWORD, name: 'Tom' });
    const [row] = await queryRows<{ id: string }>(t.ctx.db, sql`SELECT id FROM emails WHERE to_address = ${email}`);
    await t.ctx.jobs.send('email.send', { emailId: row?.id });
    await t.drain();
    expect(sink.received.filter((m) => m.to.includes(email))).toHaveLength(1);
  });

  it('sends a large batch through one job, each message once', async () => {
    const tag = uid();
    const items = Array.from({ length: 120 }, (_, i) => ({ to: `batch-${i}-${tag}@example.com`, template: 'account-exists' }));
    await t.ctx.db.transaction((tx) => queueEmails(tx, t.ctx.jobs, items));
    const [jobs] = (
      await t.ctx.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.ctx.config.jobs.schema}.job WHERE name = 'email.batch'`)
    ).rows;
    expect(jobs?.n).toBeGreaterThanOrEqual(1);
    await t.drain();
    const got = sink.received.filter((m) => m.to.some((a) => a.endsWith(`-${tag}@example.com`)));
    expect(got).toHaveLength(120);
  });

  it('keeps a batch alive while a dead worker holds some of its messages, and sends those once their claims go stale', async () => {
    const tag = uid();
    const items = Array.from({ length: 30 }, (_, i) => ({ to: `held-${i}-${tag}@example.com`, template: 'account-exists' }));
    const [first] = await t.ctx.db.transaction((tx) => queueEmails(tx, t.ctx.jobs, items));
    const batch = one(
      await queryRows<{ batchId: string }>(t.ctx.db, sql`SELECT batch_id AS "batchId" FROM emails WHERE id = ${first}`),
      'batch',
    );
    // A worker claimed ten of them, then died (SIGKILL): they stay `sending` under its claim.
    await t.ctx.db.execute(sql`UPDATE emails SET status = 'sending', claimed_at = now(), attempts = 1
      WHERE id IN (SELECT id FROM emails WHERE batch_id = ${batch.batchId} ORDER BY id LIMIT 10)`);
    await t.drain();
    const mine = () => sink.received.filter((m) => m.to.some((a) => a.endsWith(`-${tag}@example.com`)));
    expect(mine()).toHaveLength(20);
    // The batch is not over: it is looked at again when those claims would go stale.
    const jobs = t.ctx.config.jobs.schema;
    const waiting = await t.ctx.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${jobs}.job WHERE name = 'email.batch' AND data->>'batchId' = $1 AND state = 'created' AND start_after > now()`,
      [batch.batchId],
    );
    expect(waiting.rows[0]?.n).toBe(1);
    // Time passes (the claims go stale, the job is due): the ten arrive, each once.
    await t.ctx.db.execute(
      sql`UPDATE emails SET claimed_at = now() - interval '1 minute' WHERE batch_id = ${batch.batchId} AND status = 'sending'`,
    );
    await t.ctx.database.query(`UPDATE ${jobs}.job SET start_after = now() WHERE name = 'email.batch' AND data->>'batchId' = $1`, [
      batch.batchId,
    ]);
    await t.drain();
    expect(mine()).toHaveLength(30);
    expect(new Set(mine().flatMap((m) => m.to)).size).toBe(30);
  });
});
