import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { emails } from '../../db/schema.js';
import { normalizeEmail } from '../../lib/email-address.js';

/** Messages the development mailbox has received, newest first, optionally for one address. */
export async function listMailbox(db: Db, o: { to?: string; limit: number }) {
  const key = o.to ? (normalizeEmail(o.to)?.email ?? o.to) : undefined;
  return db
    .select({
      id: emails.id,
      to: emails.toAddress,
      subject: emails.subject,
      text: emails.textBody,
      html: emails.htmlBody,
      sentAt: emails.sentAt,
    })
    .from(emails)
    .where(and(eq(emails.status, 'sent'), key ? sql`lower(${emails.toAddress}) = lower(${key})` : undefined))
    .orderBy(desc(emails.sentAt), desc(emails.createdAt))
    .limit(o.limit);
}

export async function getMailboxMessage(db: Db, id: string) {
  const [row] = await db
    .select()
    .from(emails)
    .where(and(eq(emails.id, id), eq(emails.status, 'sent')));
  return row ?? null;
}
