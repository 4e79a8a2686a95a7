import type { FastifyRequest } from 'fastify';
import type { ZodFastifySchemaValidationError } from 'fastify-type-provider-zod';
import { type core, z } from 'zod';
import fr from '../i18n/fr.json' with { type: 'json' };
import { type Locale, readerLocale, template, translator } from '../i18n/index.js';
import type { AppError } from './errors.js';

/** The reader's language: the signed-in account's locale, else Accept-Language, else English. */
export function localeOf(req: FastifyRequest): Locale {
  return readerLocale(req.account?.locale, req.headers['accept-language']);
}

/** English texts written in schemas and services (custom zod messages, field hints) → their translation. */
const LITERALS: Record<Locale, Record<string, string>> = { en: {}, fr: fr.literals };

/** A fixed English text in the reader's language (unchanged when no translation is known). */
export function translateLiteral(locale: Locale, text: string): string {
  return LITERALS[locale][text] ?? text;
}

/** The plain values of an error's details, usable as interpolation parameters. */
function paramsOf(details: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (!details || typeof details !== 'object') return out;
  for (const [k, v] of Object.entries(details)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) out[k] = v.join(', ');
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '');

/**
 * The message and details of an AppError in one locale. English: the error's own text (or its key's).
 * Other locales: its key's text; else the translation of its exact English text; else `errors.<code>`
 * when the details hold every value that text interpolates; else the English text.
 */
export function translateError(err: AppError, locale: Locale): { message: string; details: unknown } {
  const params = { ...paramsOf(err.details), ...err.text?.params };
  const fill = (key: string) => {
    const tpl = template(locale, key);
    return tpl !== undefined && placeholders(tpl).every((p) => p in params) ? translator(locale)(key, params) : undefined;
  };
  const literal = locale === 'en' ? undefined : LITERALS[locale][err.message];
  const message = (err.text && fill(err.text.key)) ?? literal ?? (locale === 'en' ? undefined : fill(`errors.${err.code}`)) ?? err.message;
  return { message, details: locale === 'en' ? err.details : translateFields(err.details, locale) };
}

/** `details.fields` hints (`{ slug: 'Already taken.' }`) in the reader's language. */
function translateFields(details: unknown, locale: Locale): unknown {
  if (!details || typeof details !== 'object' || !('fields' in details)) return details;
  const fields = (details as { fields: unknown }).fields;
  if (!fields || typeof fields !== 'object') return details;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === 'string' ? translateLiteral(locale, v) : v;
  return { ...details, fields: out };
}

const ZOD_LOCALES: Record<Locale, () => { localeError: core.$ZodErrorMap }> = { en: z.locales.en, fr: z.locales.fr };

type Issue = { path: PropertyKey[]; code: string; message: string; keys?: string[] };

/** One message per field of a failed request validation, in the reader's language. */
export function validationFields(
  req: FastifyRequest,
  err: { validation: ZodFastifySchemaValidationError[] },
  where: string,
): Record<string, string> {
  const locale = localeOf(req);
  let issues: Issue[] = err.validation.map((v) => ({
    path: v.instancePath.split('/').filter(Boolean),
    code: v.keyword,
    message: v.message ?? 'Invalid value.',
    keys: (v.params as { keys?: string[] }).keys,
  }));
  if (locale !== 'en') issues = reparse(req, where, locale) ?? issues;
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    let key = issue.path.map(String).join('.') || where;
    if (issue.code === 'unrecognized_keys') key = issue.keys?.join(',') || key;
    fields[key] ??= translateLiteral(locale, issue.message);
  }
  return fields;
}

/** Validates the request part again with the locale's zod messages (schema-level messages stay as written). */
function reparse(req: FastifyRequest, where: string, locale: Locale): Issue[] | null {
  const schema = (req.routeOptions.schema as Record<string, unknown> | undefined)?.[where];
  if (!(schema instanceof z.ZodType)) return null;
  const data = where === 'body' ? req.body : where === 'querystring' ? req.query : where === 'params' ? req.params : req.headers;
  const res = schema.safeParse(data, { error: ZOD_LOCALES[locale]().localeError });
  if (res.success) return null;
  return res.error.issues.map((i) => ({ path: i.path, code: i.code, message: i.message, keys: 'keys' in i ? i.keys : undefined }));
}
