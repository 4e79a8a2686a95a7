import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

/** An error with an HTTP status and a machine-readable code, shown to the client as is. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError(403, 'forbidden', message);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
/** A 422 naming the field that is wrong. */
export const invalidField = (field: string, message: string, code = 'validation_failed') =>
  new AppError(422, code, message, { fields: { [field]: message } });

type ErrorBody = { error: { code: string; message: string; details?: unknown } };
const body = (code: string, message: string, details?: unknown): ErrorBody => ({
  error: { code, message, ...(details === undefined ? {} : { details }) },
});

/** Turns every error into the API's error format; never a stack trace, never a 500 for bad input. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { statusCode?: number }, req, reply) => {
    if (err instanceof AppError) {
      if (err.status === 429)
        reply.header('Retry-After', String((err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60));
      return reply.code(err.status).send(body(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields: Record<string, string> = {};
      for (const issue of err.validation) {
        const params = issue.params as { issue?: { path?: PropertyKey[]; code?: string; keys?: string[] } } | undefined;
        const p = (issue.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
        let key: string = p || params?.issue?.path?.join?.('.') || err.validationContext || 'body';
        if (params?.issue?.code === 'unrecognized_keys') key = (params.issue.keys ?? []).join(',') || key;
        fields[key] ??= issue.message ?? 'Invalid value.';
      }
      const where = err.validationContext ?? 'body';
      return reply.code(422).send(body('validation_failed', `Some values in the ${where} are invalid.`, { fields }));
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response does not match its schema');
      return reply.code(500).send(body('internal_error', 'Something went wrong on our side.'));
    }
    const status = err.statusCode ?? 500;
    if (status === 413 || err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_PARTS_LIMIT')
      return reply.code(413).send(body('payload_too_large', 'The request body is too large.'));
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415)
      return reply.code(415).send(body('unsupported_media_type', 'Send JSON with Content-Type: application/json.'));
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send(body('malformed_json', 'The JSON body is empty.'));
    if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
      return reply.code(400).send(body('malformed_json', 'The request body is not valid JSON.'));
    if (status === 429) return reply.code(429).send(body('rate_limited', err.message));
    if (status >= 400 && status < 500)
      return reply.code(status).send(body(err.code ? String(err.code).toLowerCase() : 'bad_request', err.message));
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(body('internal_error', 'Something went wrong on our side.'));
  });
}
