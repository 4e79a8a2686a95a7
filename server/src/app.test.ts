import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness.js';
import { buildOpenApiDocument } from './openapi.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('the HTTP app', () => {
  it('answers /healthz once the database answers', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('publishes a valid OpenAPI 3.1 document with the stable core paths', async () => {
    const res = await t.app.inject('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of [
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/me',
      '/api/v1/orgs',
      '/api/v1/orgs/{orgId}',
      '/api/v1/orgs/{orgId}/locations',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    // Every operation documents its success answer and every referenced schema resolves.
    for (const [p, ops] of Object.entries<Record<string, { responses?: object }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses ?? {}).length, `${method} ${p}`).toBeGreaterThan(0);
      }
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of refs) {
      const target = r.slice(8, -1).replace('#/', '').split('/');
      expect(
        target.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc),
        r,
      ).toBeTruthy();
    }
  });

  it('publishes a document that the OpenAPI 3.1 schema accepts as a whole', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    const result = await new Validator().validate(doc);
    expect(result.errors, JSON.stringify(result.errors, null, 2)?.slice(0, 2000)).toBeUndefined();
    expect(result.valid).toBe(true);
    // The validator does reject a broken document: an operation without answers, a parameter in no known place.
    const broken = structuredClone(doc);
    broken.paths['/api/v1/me'].get.responses = undefined;
    broken.paths['/api/v1/orgs/{orgId}'].get.parameters[0].in = 'body';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('generates the web types from the same document it serves, without a database', async () => {
    const served = (await t.app.inject('/api/openapi.json')).json();
    expect(await buildOpenApiDocument()).toEqual(served);
  });

  it('serves the API reference at /api/docs', async () => {
    const res = await t.app.inject('/api/docs/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger');
  });

  it('answers unknown API routes with the error format', async () => {
    const res = await t.app.inject('/api/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('shows the development mailbox page when no SMTP server is configured', async () => {
    const res = await t.app.inject('/dev/mailbox');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Development mailbox');
  });
});
