import { describe, expect, it } from 'vitest';
import { parseAddressList, screenAddresses } from './address-list.js';

describe('parseAddressList', () => {
  it('reads addresses separated by commas, semicolons, spaces and new lines, and Name <address>', () => {
    const parsed = parseAddressList([
      'a@example.com, b@example.com;c@example.com d@example.com\ne@example.com\r\n"Dupont, Jean" <jean@example.com>, Marie Curie <marie@example.com>',
    ]);
    expect(parsed.map((p) => p.address?.email)).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'd@example.com',
      'e@example.com',
      'jean@example.com',
      'marie@example.com',
    ]);
  });

  it('keeps a quoted local part as one (refused) entry, never splitting it into a valid address', () => {
    const parsed = parseAddressList(['"a@example.com"@evil.com, a@evil.com (a@example.com)']);
    expect(parsed.filter((p) => p.address).map((p) => p.address!.email)).toEqual(['a@evil.com']);
  });

  it('reports invalid addresses and case-insensitive repeats', () => {
    const { valid, skipped } = screenAddresses(parseAddressList(['Ann@Example.com ann@example.COM not-an-address bob@example.com']));
    expect(valid.map((v) => v.email)).toEqual(['Ann@example.com', 'bob@example.com']);
    expect(skipped).toEqual([
      { email: 'ann@example.com', reason: 'duplicate_in_list' },
      { email: 'not-an-address', reason: 'invalid_email' },
    ]);
  });
});
