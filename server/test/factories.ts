import { sql } from 'drizzle-orm';
import { Agent } from './agent.js';
import { type TestApp, uid } from './harness.js';

export const PASSWORD = 'correct horse battery';

/** Reads the newest message sent to an address and the first link in its plain-text part. */
export async function lastMail(t: TestApp, to: string) {
  await t.drain();
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/dev/mailbox?to=${encodeURIComponent(to)}` });
  const mail = res.json().items[0];
  if (!mail) return null;
  const link = /https?:\/\/\S+/.exec(mail.text)?.[0] ?? null;
  return { ...mail, link, token: link ? (new URL(link).searchParams.get('token') ?? link.split('/').pop()) : null } as {
    subject: string;
    text: string;
    html: string;
    link: string | null;
    token: string | null;
  };
}

/** Registers, verifies and signs in a new account through the API; returns its agent. */
export async function signUp(t: TestApp, o: { email?: string; name?: string } = {}) {
  const email = o.email ?? `user-${uid()}@example.com`;
  const agent = new Agent(t.app);
  const reg = await agent.post('/api/v1/auth/register', { email, password: PASSWORD, name: o.name ?? 'Test User' });
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.body}`);
  const mail = await lastMail(t, email);
  await agent.post('/api/v1/auth/verify-email', { token: mail!.token });
  const login = await agent.post('/api/v1/auth/login', { email, password: PASSWORD });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  return { agent, email, id: login.data.account.id as string };
}

/** A fresh organization owned by a new account. */
export async function createOrg(t: TestApp, name = `Org ${uid()}`) {
  const owner = await signUp(t, { name: 'Owner' });
  const res = await owner.agent.post('/api/v1/orgs', { name });
  if (res.statusCode !== 201) throw new Error(`org failed: ${res.body}`);
  return { owner, org: res.data as { id: string; name: string; slug: string } };
}

/** Adds an account to an organization with a role, straight in the database (for permission tests). */
export async function addMember(t: TestApp, orgId: string, role: string, o: { email?: string } = {}) {
  const user = await signUp(t, { email: o.email });
  await t.ctx.db.execute(sql`INSERT INTO memberships (org_id, account_id, role, status) VALUES (${orgId}, ${user.id}, ${role}, 'active')`);
  return user;
}
