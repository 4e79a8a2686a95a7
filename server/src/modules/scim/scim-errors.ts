import { AppError } from '../../http/errors.js';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The scimType values RFC 7644 §3.12 names, for the errors Troupe answers with. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** An error answered in the SCIM format (`schemas`, `status` as a string, `detail`, `scimType`). */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
  }
}

export const scimNotFound = (what: string, id: string) => new ScimError(404, `${what} ${id} not found.`);
export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');
export const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const invalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter');
export const invalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax');

/** The SCIM body of an error. */
export function scimErrorBody(e: ScimError) {
  return { schemas: [ERROR_SCHEMA], status: String(e.status), detail: e.detail, ...(e.scimType ? { scimType: e.scimType } : {}) };
}

/** Any error raised while serving a SCIM request, as a ScimError (null: an unexpected failure, a 500). */
export function toScimError(err: unknown): ScimError | null {
  if (err instanceof ScimError) return err;
  if (err instanceof AppError) {
    if (err.status === 422 || err.status === 400) return new ScimError(400, err.message, 'invalidValue');
    if (err.status === 409) return new ScimError(409, err.message, 'uniqueness');
    return new ScimError(err.status, err.message);
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return invalidSyntax('The request body is not valid JSON.');
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415)
    return new ScimError(415, 'Send JSON with Content-Type: application/scim+json or application/json.');
  if (e.statusCode === 413) return new ScimError(413, 'The request body is too large.');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new ScimError(e.statusCode, e.message ?? 'Bad request.');
  return null;
}
