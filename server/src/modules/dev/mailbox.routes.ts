import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { toIso } from '../../lib/time.js';
import { renderMailboxPage } from './mailbox.page.js';
import { getMailboxMessage, listMailbox } from './mailbox.service.js';

const message = z.object({ id: z.string(), to: z.string(), subject: z.string(), text: z.string(), html: z.string(), sentAt: z.string() });

/** Only registered when no SMTP server is configured. */
export const mailboxRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/dev/mailbox',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['development'],
          summary: 'Messages of the development mailbox, newest first',
          querystring: z.object({ to: z.string().max(320).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.object({ items: z.array(message) }) },
        },
      },
      async (req) => {
        const rows = await listMailbox(ctx.db, req.query);
        return {
          items: rows.map((r) => ({
            id: r.id,
            to: r.to,
            subject: r.subject ?? '',
            text: r.text ?? '',
            html: r.html ?? '',
            sentAt: toIso(r.sentAt) ?? '',
          })),
        };
      },
    );

    app.get(
      '/dev/mailbox',
      { config: { auth: 'public' }, schema: { hide: true, querystring: z.object({ to: z.string().max(320).optional() }) } },
      async (req, reply) => {
        const rows = await listMailbox(ctx.db, { to: req.query.to || undefined, limit: 200 });
        return reply.type('text/html; charset=utf-8').send(renderMailboxPage(rows, req.query.to));
      },
    );

    app.get(
      '/dev/mailbox/:id',
      { config: { auth: 'public' }, schema: { hide: true, params: z.object({ id: z.string().uuid() }) } },
      async (req, reply) => {
        const row = await getMailboxMessage(ctx.db, req.params.id);
        if (!row) throw notFound('Message');
        return reply
          .type('text/html; charset=utf-8')
          .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src * data:")
          .send(row.htmlBody ?? '');
      },
    );
  };
