/// <reference path="./oidc-provider-module.d.ts" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

// A real OpenID provider (oidc-provider, the certified library) on loopback for the SSO tests: two
// clients, accounts with configurable claims, and an interaction that signs in the account named by
// `login_hint` (or the one set with `signInAs`) without a form.

export type IdpAccount = {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  locale?: string;
  groups?: string[];
  /** A directory attribute a connection may map to a profile field of the same key. */
  department?: string;
};

export type TestIdp = {
  issuer: string;
  clients: { id: string; secret: string }[];
  /** Adds or replaces an account (by sub); its email is also a login_hint. */
  setAccount(a: IdpAccount): void;
  /** The account the next interaction signs in when the request has no known login_hint. */
  signInAs(sub: string): void;
  /** Follows an authorization URL as a browser would, up to the redirect to the client: that URL. */
  authorize(url: string): Promise<URL>;
  close(): Promise<void>;
};

export async function startIdp(o: { redirectUri: string }): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>();
  let current: string | null = null;
  const clients = [
    { id: 'troupe-a', secret: 'secret-a-0123456789abcdef0123456789abcdef' },
    { id: 'troupe-b', secret: 'secret-b-0123456789abcdef0123456789abcdef' },
  ];
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      redirect_uris: [o.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'locale', 'department'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    async findAccount(_ctx: unknown, sub: string) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return { accountId: sub, claims: async () => ({ ...a }) };
    },
  });
  provider.proxy = false;
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      const hint = String(details.params.login_hint ?? '');
      const byHint = [...accounts.values()].find((a) => a.email && a.email === hint);
      const accountId = byHint?.sub ?? current;
      if (!accountId) throw new Error('test IdP: nobody to sign in');
      const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });

  async function authorize(start: string): Promise<URL> {
    const jar = new Map<string, string>();
    let url = new URL(start);
    for (let hop = 0; hop < 10; hop++) {
      if (url.origin !== issuer) return url;
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`test IdP: ${res.status} ${await res.text()}`);
      url = new URL(location, url);
    }
    throw new Error('test IdP: too many redirects');
  }

  return {
    issuer,
    clients,
    setAccount: (a) => accounts.set(a.sub, a),
    signInAs: (sub) => {
      current = sub;
    },
    authorize,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
