import { describe, expect, it } from 'vitest';
import { formatHostPort, normalizeAddress } from '../src/remote-address.js';

describe('normalizeAddress', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['::ffff:abcd', '::ffff:abcd'],
    ['2001:db8::1', '2001:db8::1'],
  ])('%s -> %s', (address, expected) => {
    expect(normalizeAddress(address)).toBe(expected);
  });
});

describe('formatHostPort', () => {
  it('brackets IPv6 literals only', () => {
    expect(formatHostPort('127.0.0.1', 5083)).toBe('127.0.0.1:5083');
    expect(formatHostPort('::1', 5083)).toBe('[::1]:5083');
    expect(formatHostPort('localhost', 1)).toBe('localhost:1');
  });
});
