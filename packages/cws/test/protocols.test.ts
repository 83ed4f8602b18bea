import { describe, expect, it } from 'vitest';
import { normalizeProtocols } from '../src/protocols.js';

describe('normalizeProtocols', () => {
  it('takes nothing, one string or a list', () => {
    expect(normalizeProtocols(undefined)).toEqual([]);
    expect(normalizeProtocols('chat')).toEqual(['chat']);
    expect(normalizeProtocols(['a', 'b.v1', 'C'])).toEqual(['a', 'b.v1', 'C']);
  });

  it.each([
    ['a non-token', ['a b']],
    ['an empty string', ''],
    ['a duplicate', ['x', 'x']],
    ['an options object in its place', { headers: {} }],
    ['a non-string', [1]],
  ])('refuses %s', (_, protocols) => {
    expect(() => normalizeProtocols(protocols)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_CWS_PROTOCOLS' }),
    );
  });
});
