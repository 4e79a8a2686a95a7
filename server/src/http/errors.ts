import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { localeOf, translateError, validationFields } from './error-i18n.js';

/** Where an error's text lives in server/src/i18n (`errors.*`), and the values it interpolates. */
export type ErrorText = { key: string; params?: Record<string, string | number> };

/**
 * An error with an HTTP status and a machine-readable code, shown to the client as is. Its message is
 * the English text; the answer is translated by `text` or, without it, by `errors.<code>` with the
 * details' plain values as parameters (see error-i18n.ts), falling back to the message.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly text?: ErrorText,
  ) {
    super(message);
  }
}

export const notFound = (what = 'Resource') =>
  new AppError(404, 'not_found', `${what} not found.`, undefined, { key: `errors.notFound.${what.replace(/\W/g, '')}` });
export const forbidden = (message = 'You are not allowed to do this.', text?: ErrorText) =>
  new AppError(403, 'forbidden', message, undefined, text);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
/** A 422 naming the field that is wrong. */
export const invalidField = (field: string, message: string, code = 'validation_failed') =>
  new AppError(422, code, message, { fields: { [field]: message } });

type ErrorBody = { error: { code: string; message: string; details?: unknown } };
const body = (code: string, message: string, details?: unknown): ErrorBody => ({
  error: { code, message, ...(details === undefined ? {} : { details }) },
});

/** Sends an AppError in the API's format, in the reader's language. */
export function sendAppError(err: AppError, req: FastifyRequest, reply: FastifyReply) {
  const { message, details } = translateError(err, localeOf(req));
  if (err.status === 429) {
    const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    reply.header('Retry-After', String(retry ?? 60));
  }
  return reply.code(err.status).send(body(err.code, message, details));
}

const framework = (status: number, code: string, message: string) => new AppError(status, code, message);

/** Maps an error raised by Fastify or a plugin (before or around a route) to an AppError. */
export function frameworkError(err: FastifyError & { statusCode?: number }): AppError | null {
  const status = err.statusCode ?? 500;
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return framework(400, 'bad_url', 'The address is not valid (malformed percent-encoding).');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return framework(414, 'uri_too_long', 'A part of the address is too long.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return framework(400, 'malformed_json', 'The JSON body is empty.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return framework(400, 'malformed_json', 'The request body is not valid JSON.');
  }
  if (status === 413 || err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_PARTS_LIMIT' || err.code === 'FST_FILES_LIMIT')
    return framework(413, 'payload_too_large', 'The request body is too large.');
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415)
    return framework(415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json.');
  if (err instanceof SyntaxError) return framework(400, 'malformed_json', 'The request body is not valid JSON.');
  if (status === 429) return framework(429, 'rate_limited', err.message);
  if (status >= 400 && status < 500) return framework(status, err.code ? String(err.code).toLowerCase() : 'bad_request', err.message);
  return null;
}

/** Turns every error into the API's error format; never a stack trace, never a 500 for bad input. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { statusCode?: number }, req, reply) => {
    if (err instanceof AppError) return sendAppError(err, req, reply);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const fields = validationFields(req, err, where);
      const e = new AppError(
        422,
        'validation_failed',
        `Some values in the ${where} are invalid.`,
        { fields },
        {
          key: 'errors.validation_failed',
          params: { where },
        },
      );
      return sendAppError(e, req, reply);
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response does not match its schema');
      return sendAppError(framework(500, 'internal_error', 'Something went wrong on our side.'), req, reply);
    }
    const known = frameworkError(err);
    if (known) return sendAppError(known, req, reply);
    req.log.error({ err }, 'unhandled error');
    return sendAppError(framework(500, 'internal_error', 'Something went wrong on our side.'), req, reply);
  });
}
