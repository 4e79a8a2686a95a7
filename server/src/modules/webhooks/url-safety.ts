import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { invalidField } from '../../http/errors.js';

// Endpoint URLs: https to a public address only, checked after DNS resolution (every address the
// name resolves to), at creation and again at each delivery (DNS rebinding). WEBHOOKS_ALLOW_PRIVATE
// lifts both rules for development and tests.

/** Whether an address is one a webhook may reach: unicast on the public internet (IPv4-mapped IPv6 unwrapped). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

const resolveAll = (host: string) =>
  new Promise<string[]>((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))),
  );

/** Checks an endpoint URL before it is stored; 422 naming `url` otherwise. */
export async function assertSafeUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidField('url', 'Enter a full address starting with https://.', 'invalid_url');
  }
  const httpOk = allowPrivate && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !httpOk) throw invalidField('url', 'Webhook addresses must start with https://.', 'url_not_https');
  if (url.username || url.password) throw invalidField('url', 'Do not put a user name or password in the address.', 'invalid_url');
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : await resolveAll(host);
  } catch {
    throw invalidField('url', `The name ${host} does not resolve.`, 'url_unresolvable');
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress))
    throw invalidField(
      'url',
      'This address leads to a private, loopback or link-local network; use a public https address.',
      'url_not_public',
    );
  return url;
}

/** A DNS lookup for the delivery request that refuses non-public addresses, so what was checked is what is dialled. */
export function safeLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses.filter((a) => allowPrivate || isPublicAddress(a.address));
      const first = list[0];
      if (!first || list.length !== addresses.length) {
        const e = Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'EADDRNOTPUBLIC' });
        return callback(e, '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      return callback(null, first.address, first.family);
    });
  };
}
