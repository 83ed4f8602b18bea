import { describe, expect, it } from 'vitest';
import { isAclEntry, isIpAddress } from '../../src/config/address-syntax.js';

describe('isAclEntry', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.0',
    '10.0.0.0/8',
    '0.0.0.0/0',
    '192.168.1.0/32',
    '::1',
    'fd00::/8',
    '::/0',
    '2001:db8::/128',
    '::ffff:10.0.0.1',
  ])('accepts %s', (entry) => {
    expect(isAclEntry(entry)).toBe(true);
  });

  it.each([
    '',
    'localhost',
    '10.0.0',
    '10.0.0.256',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '10.0.0.0/ 8',
    'fd00::/129',
    'fe80::1%eth0',
    '/8',
  ])('rejects %j', (entry) => {
    expect(isAclEntry(entry)).toBe(false);
  });
});

describe('isIpAddress', () => {
  it('accepts addresses of both families and nothing else', () => {
    expect(isIpAddress('0.0.0.0')).toBe(true);
    expect(isIpAddress('::')).toBe(true);
    expect(isIpAddress('example.org')).toBe(false);
    expect(isIpAddress('10.0.0.0/8')).toBe(false);
  });
});
