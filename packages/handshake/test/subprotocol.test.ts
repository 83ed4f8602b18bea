import { describe, expect, it } from 'vitest';
import { chooseSubprotocol, parseSubprotocols } from '../src/index.js';
import { expectHandshakeError } from './sample-heads.js';

describe('parseSubprotocols', () => {
  it.each([
    [['chat'], ['chat']],
    [['chat, superchat'], ['chat', 'superchat']],
    [['chat,superchat'], ['chat', 'superchat']],
    [[' chat \t,\t superchat '], ['chat', 'superchat']],
    [
      ['a', 'b, c'],
      ['a', 'b', 'c'],
    ],
    [['a, , b,'], ['a', 'b']],
    [
      ['v1.json.api', "x!#$%&'*+-.^_`|~9"],
      ['v1.json.api', "x!#$%&'*+-.^_`|~9"],
    ],
    [['Chat, chat'], ['Chat', 'chat']],
  ])('parses %j', (values, protocols) => {
    expect(parseSubprotocols(values)).toEqual(protocols);
  });

  it('returns [] for an absent header', () => {
    expect(parseSubprotocols(undefined)).toEqual([]);
  });

  it.each([
    [['']],
    [[' , ']],
    [['a b']],
    [['a, b c']],
    [['a;b']],
    [['"a"']],
    [['a/b']],
    [['é']],
    [['a', 'a']],
    [['a, b, a']],
  ])('rejects %j with 400', (values) => {
    expectHandshakeError(() => parseSubprotocols(values), 'LAPPS_ERR_BAD_SUBPROTOCOL', 400);
  });

  it('passes the client-side status on', () => {
    expectHandshakeError(() => parseSubprotocols(['a b'], 101), 'LAPPS_ERR_BAD_SUBPROTOCOL', 101);
  });

  it('is linear on the CVE-2021-32640 shape (many spaces then a bad char)', () => {
    const start = performance.now();
    expectHandshakeError(
      () => parseSubprotocols([`a${' '.repeat(100_000)}b`]),
      'LAPPS_ERR_BAD_SUBPROTOCOL',
      400,
    );
    expectHandshakeError(
      () => parseSubprotocols([`${'a,'.repeat(2_000)}\0`]),
      'LAPPS_ERR_BAD_SUBPROTOCOL',
      400,
    );
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe('chooseSubprotocol', () => {
  it("follows the server's preference order, not the client's", () => {
    expect(chooseSubprotocol(['chat', 'superchat'], ['superchat', 'chat'])).toBe('superchat');
    expect(chooseSubprotocol(['superchat', 'chat'], ['chat', 'superchat'])).toBe('chat');
  });

  it('is case-sensitive and may find nothing', () => {
    expect(chooseSubprotocol(['Chat'], ['chat'])).toBeUndefined();
    expect(chooseSubprotocol([], ['chat'])).toBeUndefined();
    expect(chooseSubprotocol(['chat'], [])).toBeUndefined();
  });
});
