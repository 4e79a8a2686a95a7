import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError, invalidField } from '../../http/errors.js';

// `Idempotency-Key` on POST requests made with an API key: the first answer (status and body) is
// kept 24 hours in the database, so a retry with the same key and body gets it back and changes
// nothing, whichever app process answers; the same key with another body is a 422.

const TTL = "interval '24 hours'";
const HEADER = 'idempotency-key';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { apiKeyId: string; key: string } | null;
  }
}

function requestHash(req: FastifyRequest): string {
  const body = req.body === undefined ? `len:${req.headers['content-length'] ?? ''}` : JSON.stringify(req.body);
  return createHash('sha256')
    .update(`${req.method} ${req.url.split('?')[0]}\n${body}`)
    .digest('hex');
}

/** Replays kept answers before the handler runs and keeps new answers once they are sent. */
export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (req, reply) => {
    const header = req.headers[HEADER];
    if (req.method !== 'POST' || !req.bearer || header === undefined) return;
    if (typeof header !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(header))
      throw invalidField('Idempotency-Key', 'Use one Idempotency-Key of 1 to 255 printable characters.');
    const apiKeyId = req.bearer.keyId;
    const hash = requestHash(req);
    await ctx.database.query(`DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2 AND created_at < now() - ${TTL}`, [
      apiKeyId,
      header,
    ]);
    const claimed = await ctx.database.query(
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
      [apiKeyId, header, hash],
    );
    if (claimed.rows.length) {
      req.idempotency = { apiKeyId, key: header };
      return;
    }
    const { rows } = await ctx.database.query<{ request_hash: string; status_code: number | null; response_body: string | null }>(
      `SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE api_key_id = $1 AND key = $2`,
      [apiKeyId, header],
    );
    const kept = rows[0];
    if (!kept) throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is being answered; retry shortly.');
    if (kept.request_hash !== hash)
      throw invalidField(
        'Idempotency-Key',
        'This Idempotency-Key was used with another request in the last 24 hours; use a new key.',
        'idempotency_key_reused',
      );
    if (kept.status_code === null)
      throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is being answered; retry shortly.');
    reply.header('idempotent-replayed', 'true').code(kept.status_code);
    if (kept.response_body) reply.type('application/json; charset=utf-8');
    return reply.send(kept.response_body ?? '');
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = req.idempotency;
    if (!claim) return payload;
    req.idempotency = null;
    if (reply.statusCode >= 500) {
      // Our failure: let the client retry for real.
      await ctx.database.query(`DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2`, [claim.apiKeyId, claim.key]);
    } else {
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
      await ctx.database.query(`UPDATE idempotency_keys SET status_code = $3, response_body = $4 WHERE api_key_id = $1 AND key = $2`, [
        claim.apiKeyId,
        claim.key,
        reply.statusCode,
        body,
      ]);
    }
    return payload;
  });
}
