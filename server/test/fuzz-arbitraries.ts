import fc from 'fast-check';

/** A JSON Schema node of the OpenAPI document (only what the generator reads). */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
};

/** Strings an attacker or a careless client sends: NUL, lone surrogates, encodings, injections, sizes. */
const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\ud83c',
  '%',
  '%00',
  '%E0%A4%A',
  '%ED%A0%80',
  "'; DROP TABLE accounts; --",
  "' OR '1'='1",
  '\\',
  '"',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '../../etc/passwd',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '1e309',
  '0x1F',
  '9'.repeat(40),
  '1.5',
  '2026-02-30T25:61:00Z',
  '🎭🎭🎭',
  'ǅİıß',
  '\u202eevil',
  '\r\n\t',
  '=HYPERLINK("http://x")',
  '{{name}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${process.env}',
  '__proto__',
  'constructor',
  'a'.repeat(300),
  'é'.repeat(5000),
  'x'.repeat(100_000),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'not-a-uuid',
  'a@b',
  '@@example.com',
  'user@exa mple.com',
];

const utf16 = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: utf16, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.uuid() },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -1, -0.5, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, hostile at every level. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Values shaped by a schema (so requests reach deeper than validation), mixed with hostile ones. */
export function valueFor(
  schema: Schema | undefined,
  ctx: { resolve(ref: string): Schema | undefined; ids: string[] },
  depth = 0,
): fc.Arbitrary<unknown> {
  const shaped = shapedFor(schema, ctx, depth);
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: hostileValue });
}

function shapedFor(
  schema: Schema | undefined,
  ctx: { resolve(ref: string): Schema | undefined; ids: string[] },
  depth: number,
): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return hostileValue;
  if (schema.$ref) return shapedFor(ctx.resolve(schema.$ref), ctx, depth + 1);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => shapedFor(s, ctx, depth + 1)));
  if (schema.allOf?.[0]) return shapedFor(schema.allOf[0], ctx, depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...ctx.ids), fc.uuid(), hostileString);
      if (schema.format === 'email')
        return fc.oneof(
          fc.emailAddress(),
          hostileString.map((s) => `${s}@example.com`),
        );
      if (schema.format === 'date-time')
        return fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          hostileString,
        );
      return fc.oneof(fc.string({ maxLength: 30 }), hostileString);
    case 'integer':
      return fc.oneof(fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1000, 1000) }), hostileNumber);
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), hostileNumber);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(schema.items, ctx, depth + 1), { maxLength: 4 });
    case 'object': {
      const props = Object.entries(schema.properties ?? {});
      const known = fc.record(Object.fromEntries(props.map(([k, s]) => [k, valueFor(s, ctx, depth + 1)])), { requiredKeys: [] });
      // Sometimes a field nobody declared, to check strict schemas refuse it cleanly.
      return fc
        .tuple(known, fc.option(fc.tuple(hostileString, hostileValue), { freq: 4 }))
        .map(([o, extra]) => (extra ? { ...o, [extra[0] || 'unknownField']: extra[1] } : o));
    }
    default:
      return hostileValue;
  }
}

/** Percent-encodes a path or query value; a lone surrogate becomes its (invalid) UTF-8 bytes. */
export function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[^\ud800-\udfff]+|[\ud800-\udfff]/g, (part) =>
      /^[\ud800-\udfff]$/.test(part)
        ? [...Buffer.from([0xe0 | (part.charCodeAt(0) >> 12), 0x80 | ((part.charCodeAt(0) >> 6) & 63), 0x80 | (part.charCodeAt(0) & 63)])]
            .map((b) => `%${b.toString(16).toUpperCase()}`)
            .join('')
        : encodeURIComponent(part),
    );
  }
}
