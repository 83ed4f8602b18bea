import { describe, expect, it } from 'vitest';
import { parseExtensions } from '../src/index.js';
import { expectHandshakeError } from './sample-heads.js';

function offers(value: string | string[]) {
  return parseExtensions(Array.isArray(value) ? value : [value]).map((offer) => ({
    name: offer.name,
    params: Object.fromEntries(offer.params),
  }));
}

describe('parseExtensions', () => {
  it('parses what Chrome and Firefox send', () => {
    expect(offers('permessage-deflate; client_max_window_bits')).toEqual([
      { name: 'permessage-deflate', params: { client_max_window_bits: true } },
    ]);
  });

  it('parses alternative offers, values and quoted values', () => {
    expect(
      offers([
        'permessage-deflate; client_max_window_bits=10; server_no_context_takeover, permessage-deflate',
        'x-foo ; a = "1" ;b="c\\d", x-bar',
      ]),
    ).toEqual([
      {
        name: 'permessage-deflate',
        params: { client_max_window_bits: '10', server_no_context_takeover: true },
      },
      { name: 'permessage-deflate', params: {} },
      { name: 'x-foo', params: { a: '1', b: 'cd' } },
      { name: 'x-bar', params: {} },
    ]);
  });

  it('skips empty list elements', () => {
    expect(offers(', a ,, b,')).toEqual([
      { name: 'a', params: {} },
      { name: 'b', params: {} },
    ]);
  });

  it('returns [] for an absent header', () => {
    expect(parseExtensions(undefined)).toEqual([]);
  });

  it('keeps __proto__ and constructor harmless', () => {
    const [offer] = parseExtensions([
      '__proto__; __proto__=polluted; constructor; prototype="x"; toString',
    ]);
    expect(offer?.name).toBe('__proto__');
    expect(offer?.params.get('__proto__')).toBe('polluted');
    expect(offer?.params.get('constructor')).toBe(true);
    expect(offer?.params.get('toString')).toBe(true);
    expect(Object.getPrototypeOf(offer)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(offer?.params)).toBe(Map.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it.each([
    '',
    ',',
    ';a',
    'a;',
    'a; ',
    'a;;b',
    'a; b=',
    'a; b==c',
    'a; =c',
    'a b',
    'a; b c',
    'a; b="c',
    'a; b="c\\',
    'a; b="c d"',
    'a; b=""',
    'a; b="c,d"',
    'a; b="c"d',
    'a; b=c; b=d',
    'a; b; b',
    'a=b',
    'é',
    'a; b=é',
    '"a"',
  ])('rejects %j with 400', (value) => {
    expectHandshakeError(() => parseExtensions([value]), 'LAPPS_ERR_BAD_EXTENSIONS', 400);
  });

  it('passes the client-side status on', () => {
    expectHandshakeError(() => parseExtensions(['a b'], 101), 'LAPPS_ERR_BAD_EXTENSIONS', 101);
  });

  it('is linear on long whitespace runs', () => {
    const start = performance.now();
    expectHandshakeError(
      () => parseExtensions([`a;${' '.repeat(100_000)}=`]),
      'LAPPS_ERR_BAD_EXTENSIONS',
      400,
    );
    expect(performance.now() - start).toBeLessThan(500);
  });
});
