import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, signUp } from '../../test/factories.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { recordAudit } from '../modules/audit/audit.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const expectInvalidCharacters = (res: { statusCode: number; json(): { error: Record<string, unknown> } }, field: string) => {
  expect(res.statusCode).toBe(422);
  expect(res.json().error).toMatchObject({ code: 'invalid_characters', details: { field } });
  expect(res.json().error.message).toContain(field);
};

describe('text PostgreSQL cannot store', () => {
  it('refuses a NUL character in a JSON field with a 422 naming it, and the account is unchanged', async () => {
    const { agent } = await signUp(t, { name: 'Before' });
    expectInvalidCharacters(await agent.patch('/api/v1/me', { name: 'a\u0000b' }), 'name');
    expect((await agent.get('/api/v1/me')).data.account.name).toBe('Before');
  });

  it('refuses an unpaired surrogate in a name (high or low), but accepts a paired one (emoji)', async () => {
    const { agent } = await signUp(t);
    // JSON.stringify keeps lone surrogates as \ud800 escapes; JSON.parse on the server restores them.
    const send = (name: string) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        payload: JSON.stringify({ name }),
        headers: {
          'content-type': 'application/json',
          cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': agent.cookies.get('csrf_token') ?? '',
        },
      });
    expectInvalidCharacters(await send('x\ud800'), 'name');
    expectInvalidCharacters(await send('\udc00x'), 'name');
    const ok = await send('Zoé 🎭');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().name).toBe('Zoé 🎭');
  });

  it('refuses them in nested body fields and in keys, naming the path', async () => {
    const { owner, org } = await createOrg(t);
    const res = await owner.agent.post(`/api/v1/orgs/${org.id}/invitations`, { emails: ['ok@example.com', 'b\u0000@example.com'] });
    expectInvalidCharacters(res, 'emails.1');
    expectInvalidCharacters(await owner.agent.patch('/api/v1/me', { ['na\u0000me']: 'x' }), 'na\u0000me');
  });

  it('refuses a NUL in the query string (%00) and in a path parameter', async () => {
    const { owner, org } = await createOrg(t);
    expectInvalidCharacters(await owner.agent.get(`/api/v1/orgs/${org.id}/members?q=%00`), 'q');
    expectInvalidCharacters(await owner.agent.get(`/api/v1/orgs/${org.id}/members?q=a%00b`), 'q');
    expectInvalidCharacters(await owner.agent.get('/api/v1/join/ab%00cd'), 'slug');
    expect((await owner.agent.get(`/api/v1/orgs/${org.id}/members?q=%C3%A9`)).statusCode).toBe(200);
  });

  it('never lets the audit log fail on such text (defence in depth)', async () => {
    const { org } = await createOrg(t);
    await recordAudit(t.ctx.db, { orgId: org.id, action: 'test.unstorable', data: { name: 'a\u0000b\ud800', ['k\u0000']: ['\udc00'] } });
    const { rows } = await t.ctx.database.query<{ data: Record<string, unknown> }>(
      `SELECT data FROM audit_events WHERE org_id = $1 AND action = 'test.unstorable'`,
      [org.id],
    );
    expect(rows[0]?.data).toEqual({ name: 'a\ufffdb\ufffd', 'k\ufffd': ['\ufffd'] });
  });
});
