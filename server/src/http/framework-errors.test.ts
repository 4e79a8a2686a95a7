import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from '../../test/factories.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { BODY_LIMIT } from '../app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The API's error format, and nothing of Fastify's own (`statusCode`, `error: 'Bad Request'`). */
const expectApiError = (
  res: { statusCode: number; json(): { error: { message: string } }; headers: Record<string, unknown> },
  status: number,
  code: string,
) => {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/json');
  const body = res.json();
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body).not.toHaveProperty('statusCode');
};

describe('errors raised by the framework before a route runs', () => {
  it('answers an unknown API route with 404 not_found', async () => {
    expectApiError(await t.app.inject({ method: 'POST', url: '/api/v1/nothing-here', payload: {} }), 404, 'not_found');
  });

  it('answers a path parameter over the length limit with 414 uri_too_long', async () => {
    expectApiError(await t.app.inject(`/api/v1/orgs/${'a'.repeat(500)}`), 414, 'uri_too_long');
    expectApiError(await t.app.inject(`/api/v1/join/${'x'.repeat(5000)}`), 414, 'uri_too_long');
  });

  it('answers a malformed percent-encoding with 400 bad_url', async () => {
    expectApiError(await t.app.inject('/api/v1/join/%E0%A4%A'), 400, 'bad_url');
    expectApiError(await t.app.inject('/api/v1/orgs/%'), 400, 'bad_url');
  });

  it('answers a malformed percent-encoding in the query string in the error format', async () => {
    const { owner, org } = await createOrg(t);
    const res = await owner.agent.get(`/api/v1/orgs/${org.id}/members?q=%E0%A4%A`);
    expect(res.statusCode).toBeLessThan(500);
    if (res.statusCode >= 400) expect(res.json().error.code).toEqual(expect.any(String));
  });

  it('answers an unsupported content type with 415 and malformed or empty JSON with 400', async () => {
    const headers = { 'content-type': 'application/xml' };
    expectApiError(
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '<a/>', headers }),
      415,
      'unsupported_media_type',
    );
    const json = { 'content-type': 'application/json' };
    expectApiError(
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '{"email":', headers: json }),
      400,
      'malformed_json',
    );
    expectApiError(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '', headers: json }), 400, 'malformed_json');
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const payload = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(BODY_LIMIT + 10) });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, headers: { 'content-type': 'application/json' } });
    expectApiError(res, 413, 'payload_too_large');
  });
});
