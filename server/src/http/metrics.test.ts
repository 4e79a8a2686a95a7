import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../test/agent.js';
import { createOrg } from '../../test/factories.js';
import { createTestApp, type TestApp, uid } from '../../test/harness.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const TOKEN = 'metrics-token-for-tests-0123456789';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ metricsToken: TOKEN });
});
afterAll(() => t.close());

const scrape = (authorization?: string) =>
  t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });

/** The value of one sample line (`name{labels} value`) of a Prometheus text answer. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('refuses a scrape without the token or with a wrong one', async () => {
    expect((await scrape()).statusCode).toBe(401);
    expect((await scrape('Bearer not-the-token-at-all-xxxxxxx')).statusCode).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).statusCode).toBe(401);
  });

  it('counts requests by route pattern and status with latency, and shows jobs, emails and the pool', async () => {
    const { owner, org } = await createOrg(t);
    // The process's counters also hold what other test files of this worker asked: compare with before.
    const route404 = { route: '/api/v1/orgs/:orgId/groups/:groupId', status: '404' };
    const before404 = sample((await scrape(`Bearer ${TOKEN}`)).body, 'troupe_http_requests_total', route404) ?? 0;
    await owner.agent.get(`/api/v1/orgs/${org.id}`);
    await owner.agent.get(`/api/v1/orgs/${org.id}/groups/00000000-0000-4000-8000-000000000000`); // 404
    // An email queued and not yet sent: a job waiting in its queue.
    await new Agent(t.app).post('/api/v1/auth/register', { email: `waiting-${uid()}@example.com`, password: 'a long password', name: 'W' });

    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;

    // Route patterns, never raw URLs holding ids.
    expect(text).not.toContain(org.id);
    expect(
      sample(text, 'troupe_http_requests_total', { route: '/api/v1/orgs/:orgId', method: 'GET', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'troupe_http_requests_total', route404)).toBe(before404 + 1);
    expect(sample(text, 'troupe_http_requests_total', { route: '/api/v1/auth/login', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'troupe_http_request_duration_seconds_bucket', { route: '/api/v1/orgs/:orgId', status: '200', le: '+Inf' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'troupe_http_request_duration_seconds_sum', { route: '/api/v1/orgs/:orgId', status: '200' })).toBeGreaterThan(0);

    // Installation-wide figures from the database.
    expect(sample(text, 'troupe_jobs', { name: 'email.batch', state: 'queued' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'troupe_jobs', { name: 'email.batch', state: 'failed' })).toBe(0);
    expect(sample(text, 'troupe_emails', { status: 'sent' })).toBeGreaterThanOrEqual(1); // the owner's verification email
    expect(sample(text, 'troupe_emails', { status: 'queued' })).toBeGreaterThanOrEqual(1);
    // Installation-wide: other tests sharing a PostgreSQL database may have applied imports; the series is there.
    expect(sample(text, 'troupe_import_rows_applied', { mode: 'invite' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'troupe_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'troupe_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(sample(text, 'troupe_process_resident_memory_bytes')).toBeGreaterThan(0);

    // Once the job ran, the email counts as sent and the queue is empty.
    await t.drain();
    const after = (await scrape(`Bearer ${TOKEN}`)).body;
    expect(sample(after, 'troupe_jobs', { name: 'email.batch', state: 'queued' })).toBe(0);
    // (On PostgreSQL other test files write emails to the same table meanwhile: only the embedded database is exact.)
    const sentBefore = sample(text, 'troupe_emails', { status: 'sent' }) ?? 0;
    if (onPostgres) expect(sample(after, 'troupe_emails', { status: 'sent' })).toBeGreaterThanOrEqual(sentBefore + 1);
    else {
      expect(sample(after, 'troupe_emails', { status: 'queued' })).toBe(0);
      expect(sample(after, 'troupe_emails', { status: 'sent' })).toBe(sentBefore + 1);
    }
  });
});
