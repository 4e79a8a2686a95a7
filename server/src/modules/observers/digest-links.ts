import { safeEqual, sign } from '../../lib/tokens.js';

// The link in a digest (and its List-Unsubscribe header) acts without a session: it names the observer
// and the organization, signed with HMAC-SHA-256 under SESSION_SECRET. It changes nothing but that
// observer's digest preferences in that organization, so it does not expire.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const payload = (accountId: string, orgId: string) => `observer-digest\0${accountId}\0${orgId}`;

/** The signed token of an observer's digest preferences in one organization: `<accountId>.<orgId>.<signature>`. */
export function digestToken(secret: string, o: { accountId: string; orgId: string }): string {
  return `${o.accountId}.${o.orgId}.${sign(payload(o.accountId, o.orgId), secret)}`;
}

/** Who a token speaks for, or null when it was not signed by this installation. */
export function readDigestToken(secret: string, token: string): { accountId: string; orgId: string } | null {
  const [accountId, orgId, signature, ...rest] = token.split('.');
  if (!accountId || !orgId || !signature || rest.length || !UUID.test(accountId) || !UUID.test(orgId)) return null;
  return safeEqual(signature, sign(payload(accountId, orgId), secret)) ? { accountId, orgId } : null;
}
