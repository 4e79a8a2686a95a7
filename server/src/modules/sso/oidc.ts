import * as client from 'openid-client';
import { AppError } from '../../http/errors.js';

// The OpenID Connect relying party, through openid-client (v6): discovery, the authorization URL with
// PKCE, state and nonce, and the code exchange that checks them. No hand-written OAuth.

export type OidcConnection = { issuer: string; clientId: string; clientSecret: string; scopes: string };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const unreachable = (issuer: string, reason: string) =>
  new AppError(422, 'sso_issuer_unreachable', 'The identity provider at this address did not answer with valid OpenID Connect metadata.', {
    fields: { issuer: reason.slice(0, 200) },
    issuer,
  });

/** Discovery (`/.well-known/openid-configuration`); http:// only on loopback and only when allowed (tests). */
export async function discover(c: OidcConnection, allowInsecure: boolean): Promise<client.Configuration> {
  let url: URL;
  try {
    url = new URL(c.issuer);
  } catch {
    throw unreachable(c.issuer, 'Not a URL.');
  }
  const insecure = url.protocol === 'http:';
  if (insecure && !(allowInsecure && LOOPBACK.has(url.hostname))) throw unreachable(c.issuer, 'The issuer must use https.');
  try {
    return await client.discovery(url, c.clientId, undefined, client.ClientSecretBasic(c.clientSecret), {
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: 10,
    });
  } catch (err) {
    throw unreachable(c.issuer, err instanceof Error ? err.message : String(err));
  }
}

export type Flow = { state: string; nonce: string; codeVerifier: string };

export function newFlow(): Flow {
  return { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
}

export async function authorizationUrl(
  config: client.Configuration,
  o: Flow & { scopes: string; redirectUri: string; loginHint?: string },
) {
  const params: Record<string, string> = {
    redirect_uri: o.redirectUri,
    scope: o.scopes,
    response_type: 'code',
    state: o.state,
    nonce: o.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(o.codeVerifier),
    code_challenge_method: 'S256',
  };
  if (o.loginHint) params.login_hint = o.loginHint;
  return client.buildAuthorizationUrl(config, params).href;
}

/**
 * Exchanges the code (checking state, nonce, PKCE and the ID token) and returns the ID token's claims
 * merged with the userinfo answer (which holds the profile claims many providers leave out of it).
 */
export async function exchangeCode(config: client.Configuration, callbackUrl: URL, flow: Flow): Promise<Record<string, unknown>> {
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: flow.codeVerifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('no ID token');
  let info: Record<string, unknown> = {};
  try {
    info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  } catch {
    // The ID token alone is enough to identify the person.
  }
  return { ...info, ...claims };
}
