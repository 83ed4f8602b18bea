import { describe, expect, it } from 'vitest';
import { classfulPrefix, parseAclEntry } from '../src/acl-entry.js';

describe('classfulPrefix (LAppS 0.9 entries without a prefix)', () => {
  it.each([
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['127.0.0.0', 8],
    ['127.0.0.1', 32],
    ['128.0.0.0', 16],
    ['172.16.0.0', 16],
    ['191.255.0.0', 16],
    ['172.16.1.0', 32],
    ['192.0.0.0', 24],
    ['192.168.1.0', 24],
    ['223.255.255.0', 24],
    ['192.168.1.1', 32],
    ['224.0.0.0', 32],
    ['255.255.255.255', 32],
  ])('%s -> /%i', (address, prefix) => {
    expect(classfulPrefix(address)).toBe(prefix);
  });
});

describe('parseAclEntry', () => {
  it('reads family, network and prefix', () => {
    expect(parseAclEntry('10.0.0.0/8', 'w')).toEqual({
      family: 'ipv4',
      network: '10.0.0.0',
      prefix: 8,
    });
    expect(parseAclEntry('192.168.1.0', 'w')).toEqual({
      family: 'ipv4',
      network: '192.168.1.0',
      prefix: 24,
    });
    expect(parseAclEntry('::1', 'w')).toEqual({ family: 'ipv6', network: '::1', prefix: 128 });
    expect(parseAclEntry('fd00::/8', 'w')).toEqual({
      family: 'ipv6',
      network: 'fd00::',
      prefix: 8,
    });
    expect(parseAclEntry('::ffff:10.0.0.0/104', 'w')).toEqual({
      family: 'ipv6',
      network: '::ffff:10.0.0.0',
      prefix: 104,
    });
  });
});
