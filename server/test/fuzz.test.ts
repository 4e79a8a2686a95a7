import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from './factories.js';
import { encode, hostileString, hostileValue, type Schema, valueFor } from './fuzz-arbitraries.js';
import { createTestApp, type TestApp } from './harness.js';

/**
 * Requests generated from the OpenAPI document, for every operation (new routes are covered without
 * touching this file): hostile strings, numbers, arrays, objects and ids in every path parameter, query
 * parameter and body field. Whatever comes in, the answer is never a 5xx, an error is always in the
 * API's format, and the server stays healthy.
 */

const ROUNDS = 6;
const BUDGET_MS = 60_000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

type Parameter = { in: string; name: string; schema?: Schema };
type Operation = { method: string; path: string; params: Parameter[]; body?: Schema };
type Doc = {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
};

let t: TestApp;
let cookie: string;
let csrf: string;
let ids: string[];
let orgId: string;
let doc: Doc;

beforeAll(async () => {
  t = await createTestApp();
  const { owner, org } = await createOrg(t);
  orgId = org.id;
  const group = await owner.agent.post(`/api/v1/orgs/${org.id}/groups`, { name: 'Fuzz group' });
  const location = await owner.agent.post(`/api/v1/orgs/${org.id}/locations`, { name: 'Fuzz site' });
  ids = [org.id, owner.id, group.data.id, location.data.id].filter((id): id is string => typeof id === 'string');
  cookie = [...owner.agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  csrf = owner.agent.cookies.get('csrf_token') ?? '';
  doc = (await t.app.inject('/api/openapi.json')).json();
});
afterAll(() => t.close());

/** Every documented operation, and apart those that end the session (run once, at the very end). */
function operations(): { regular: Operation[]; enders: Operation[] } {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  const ends = (o: Operation) => o.path === '/api/v1/auth/logout' || (o.method === 'DELETE' && o.path === '/api/v1/orgs/{orgId}');
  return { regular: ops.filter((o) => !ends(o)), enders: ops.filter(ends) };
}

const resolve = (ref: string) => doc.components?.schemas?.[ref.split('/').pop() ?? ''];

/** One random request for an operation: a URL with its path and query filled, and a JSON body. */
function requestFor(op: Operation): fc.Arbitrary<{ url: string; body?: string }> {
  const ctx = { resolve, ids };
  const pathParams = op.params.filter((p) => p.in === 'path');
  const query = op.params.filter((p) => p.in === 'query');
  const idLike = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString },
  );
  const pathArb = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [
        p.name,
        p.name === 'orgId' ? fc.oneof({ weight: 6, arbitrary: fc.constant(orgId) }, { weight: 1, arbitrary: idLike }) : idLike,
      ]),
    ),
  );
  const queryValue = (p: Parameter) =>
    fc.oneof(
      valueFor(p.schema, ctx).map((v) => [typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
      fc.array(hostileString, { minLength: 2, maxLength: 3 }), // repeated parameter
    );
  const queryArb = fc.record(Object.fromEntries(query.map((p) => [p.name, queryValue(p)])), { requiredKeys: [] });
  const extraQuery = fc.option(fc.tuple(hostileString, hostileString), { freq: 4 });
  const bodyArb = op.body ? valueFor(op.body, ctx) : fc.option(hostileValue, { freq: 3 });
  return fc.tuple(pathArb, queryArb, extraQuery, bodyArb).map(([path, q, extra, body]) => {
    const filled = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encode(String(path[name] ?? '')));
    const pairs = Object.entries(q).flatMap(([k, values]) => (values as string[]).map((v) => `${encode(k)}=${encode(v)}`));
    if (extra) pairs.push(`${encode(extra[0])}=${encode(extra[1])}`);
    const url = pairs.length ? `${filled}?${pairs.join('&')}` : filled;
    return { url, body: body === undefined || op.method === 'GET' || op.method === 'DELETE' ? undefined : JSON.stringify(body) };
  });
}

type Failure = { op: string; url: string; body?: string; status: number; answer: string };

describe('requests generated from the OpenAPI document', () => {
  it('never answer 5xx, always answer errors in the API format, and leave the server healthy', async () => {
    const { regular, enders } = operations();
    const ops = [...regular, ...enders];
    expect(ops.length).toBeGreaterThan(50);
    const samples = ops.map((op, i) => fc.sample(requestFor(op), { numRuns: ROUNDS, seed: SEED + i }));
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    let sent = 0;
    const send = async (op: Operation, req: { url: string; body?: string } | undefined) => {
      if (!req) return;
      const headers: Record<string, string> = { cookie, 'x-csrf-token': csrf };
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      const res = await t.app.inject({ method: op.method as 'GET', url: req.url, payload: req.body, headers });
      sent++;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const failure = check(res);
      if (failure)
        failures.push({
          op: `${op.method} ${op.path}`,
          url: req.url.slice(0, 300),
          body: req.body?.slice(0, 300),
          status: res.statusCode,
          answer: failure,
        });
    };
    // Round-robin, so every operation is tried at least once even when the time budget runs out.
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0 && Date.now() - started > BUDGET_MS) break;
      for (const [i, op] of regular.entries()) await send(op, samples[i]?.[round]);
    }
    for (const [i, op] of enders.entries()) await send(op, samples[regular.length + i]?.[0]);
    console.info(
      `fuzz: ${sent} requests over ${ops.length} operations in ${Date.now() - started} ms (seed ${SEED}); answers: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
    expect(failures).toEqual([]);
    const health = await t.app.inject('/healthz');
    expect(health.statusCode).toBe(200);
  });
});

/** What is wrong with an answer, or null. */
function check(res: { statusCode: number; headers: Record<string, unknown>; body: string }): string | null {
  if (res.statusCode >= 500) return `5xx: ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return null;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.includes('application/json')) return `error without JSON (${type}): ${res.body.slice(0, 200)}`;
  try {
    const error = JSON.parse(res.body)?.error;
    if (typeof error?.code !== 'string' || typeof error?.message !== 'string') return `not the error format: ${res.body.slice(0, 300)}`;
  } catch {
    return `invalid JSON: ${res.body.slice(0, 200)}`;
  }
  return null;
}
