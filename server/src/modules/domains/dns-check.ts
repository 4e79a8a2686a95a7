import { Resolver } from 'node:dns/promises';
import type { Config } from '../../config.js';

/** What the DNS answered for a domain's TXT records: the values found (chunks joined), or why none. */
export type TxtLookup = { values: string[]; error: 'no_records' | 'no_domain' | 'dns_unreachable' | null };

/** The record value that proves an organization holds a domain. */
export const recordValue = (token: string) => `troupe-verification=${token}`;

/** Reads the TXT records of `name` through `DNS_SERVERS` when set, else the system resolver. */
export async function lookupTxt(config: Pick<Config, 'dnsServers'>, name: string): Promise<TxtLookup> {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  if (config.dnsServers) resolver.setServers(config.dnsServers);
  try {
    const records = await resolver.resolveTxt(name);
    return { values: records.map((chunks) => chunks.join('')), error: null };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENODATA') return { values: [], error: 'no_records' };
    if (code === 'ENOTFOUND') return { values: [], error: 'no_domain' };
    return { values: [], error: 'dns_unreachable' };
  }
}
