import { loadavg } from 'node:os';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { one as oneRow } from '../src/lib/rows.js';
import { createToken, updateSettings } from '../src/modules/scim/scim-tokens.service.js';
import { closeContext, createContext } from '../src/runtime.js';
import { type Benchmark, ensureDatabase, percentile, round, timed } from './lib.js';

// SCIM provisioning the way identity providers do it: BENCH_SCIM_USERS (default 10,000) POST /Users
// one request at a time (requests per second, p95 latency), then one PATCH /Groups adding all of them
// as members in one request (set-based). Through the real HTTP app (in-process inject), single sign-on
// mode (no set-password email). The organization (slug `bench-scim`) and its accounts are removed first.
// Runs on PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/troupe_bench (created if missing).

const USERS = Number(process.env.BENCH_SCIM_USERS ?? 10_000);
const TARGET_P95_MS = 50;
const TARGET_PATCH_MS = 2_000;
const SLUG = 'bench-scim';
const EMAIL = (i: number) => `bench-scim-${i}@bench.invalid`;

const bench: Benchmark = {
  name: 'scim',
  description: `SCIM: ${USERS.toLocaleString('en')} user creates one at a time, and a Groups PATCH adding ${USERS.toLocaleString('en')} members (PostgreSQL)`,
  async run() {
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/troupe_bench';
    await ensureDatabase(url);
    const config = loadConfig({ ...process.env, DATABASE_URL: url, SMTP_URL: '', JOBS_SCHEMA: `bench_jobs_${process.pid}` });
    const ctx = await createContext(config);
    const q = ctx.database.query;
    const one = async <T>(text: string, values: unknown[] = []) => oneRow((await q<T>(text, values)).rows, text);
    const loadBefore = loadavg()[0] ?? 0;
    const app = await buildApp(ctx, { logger: false });
    try {
      await q('DELETE FROM organizations WHERE slug = $1', [SLUG]);
      await q(`DELETE FROM accounts WHERE email_key LIKE 'bench-scim-%@bench.invalid'`);
      const owner = await one<{ id: string; email: string }>(
        `INSERT INTO accounts (email, email_key, name) VALUES ('bench-scim-owner@bench.invalid', 'bench-scim-owner@bench.invalid', 'Owner') RETURNING id, email`,
      );
      const org = await one<{ id: string }>(`INSERT INTO organizations (name, slug) VALUES ('Bench SCIM', $1) RETURNING id`, [SLUG]);
      await q(`INSERT INTO memberships (org_id, account_id, role, status) VALUES ($1, $2, 'owner', 'active')`, [org.id, owner.id]);
      const actor = { id: owner.id, email: owner.email };
      await updateSettings(ctx, { actor, orgId: org.id, enabled: true, accountMode: 'sso' });
      const { token } = await createToken(ctx, { actor, orgId: org.id, name: 'bench' });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json; charset=utf-8' };

      const latencies: number[] = [];
      const ids: string[] = [];
      const creates = await timed(async () => {
        for (let i = 0; i < USERS; i++) {
          const body = {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            userName: EMAIL(i),
            externalId: `ext-${i}`,
            active: true,
            displayName: `Learner ${i}`,
            name: { givenName: 'Learner', familyName: String(i) },
            emails: [{ primary: true, type: 'work', value: EMAIL(i) }],
          };
          const start = process.hrtime.bigint();
          const res = await app.inject({ method: 'POST', url: '/scim/v2/Users', headers, payload: JSON.stringify(body) });
          latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
          if (res.statusCode !== 201) throw new Error(`create ${i}: ${res.statusCode} ${res.body}`);
          ids.push(res.json().id);
        }
      });
      const group = await app.inject({
        method: 'POST',
        url: '/scim/v2/Groups',
        headers,
        payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Everyone' }),
      });
      if (group.statusCode !== 201) throw new Error(`group: ${group.body}`);
      const patch = await timed(() =>
        app.inject({
          method: 'PATCH',
          url: `/scim/v2/Groups/${group.json().id}`,
          headers,
          payload: JSON.stringify({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }],
          }),
        }),
      );
      if (patch.result.statusCode !== 204) throw new Error(`patch: ${patch.result.body}`);
      const inGroup = await one<{ n: number }>(
        `SELECT count(*)::int AS n FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE g.org_id = $1 AND g.name = 'Everyone'`,
        [org.id],
      );
      if (inGroup.n !== USERS) throw new Error(`expected ${USERS} group members, got ${inGroup.n}`);
      const p95 = percentile(latencies, 95);
      return {
        results: [
          { name: 'create_rps', value: round((USERS / creates.ms) * 1000, 1), unit: 'req/s', target: '' },
          { name: 'create_p50', value: round(percentile(latencies, 50), 1), unit: 'ms', target: '' },
          { name: 'create_p95', value: round(p95, 1), unit: 'ms', target: `< ${TARGET_P95_MS} ms`, ok: p95 < TARGET_P95_MS },
          {
            name: 'group_patch_add',
            value: round(patch.ms),
            unit: 'ms',
            target: `< ${TARGET_PATCH_MS} ms`,
            ok: patch.ms < TARGET_PATCH_MS,
          },
        ],
        meta: { users: USERS, loadBefore, loadAfter: loadavg()[0] ?? 0 },
      };
    } finally {
      await q('DELETE FROM organizations WHERE slug = $1', [SLUG]).catch(() => {});
      await q(`DELETE FROM accounts WHERE email_key LIKE 'bench-scim-%@bench.invalid'`).catch(() => {});
      await app.close();
      await q(`DROP SCHEMA IF EXISTS bench_jobs_${process.pid} CASCADE`).catch(() => {});
      await closeContext(ctx);
    }
  },
};

export default bench;
