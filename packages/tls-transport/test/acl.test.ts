import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAcl, TransportError } from '../src/index.js';

describe('createAcl: policy', () => {
  it("'allow' lets everyone in except the listed entries", () => {
    const acl = createAcl({ policy: 'allow', exclude: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(acl.allows('192.0.2.1')).toBe(true);
    expect(acl.allows('10.20.30.40')).toBe(false);
    expect(acl.allows('2001:db8::1')).toBe(false);
    expect(acl.allows('2001:db9::1')).toBe(true);
  });

  it("'deny' lets only the listed entries in", () => {
    const acl = createAcl({ policy: 'deny', exclude: ['127.0.0.1', '::1'] });
    expect(acl.allows('127.0.0.1')).toBe(true);
    expect(acl.allows('::1')).toBe(true);
    expect(acl.allows('127.0.0.2')).toBe(false);
    expect(acl.allows('::2')).toBe(false);
  });

  it('with no entries, allow admits everyone and deny admits no one', () => {
    expect(createAcl({ policy: 'allow', exclude: [] }).allows('203.0.113.9')).toBe(true);
    expect(createAcl({ policy: 'deny', exclude: [] }).allows('203.0.113.9')).toBe(false);
  });

  it('never allows a string that is not an IP address, under either policy', () => {
    expect(createAcl({ policy: 'allow', exclude: [] }).allows('not-an-ip')).toBe(false);
    expect(createAcl({ policy: 'deny', exclude: ['0.0.0.0/0'] }).allows('')).toBe(false);
  });
});

describe('createAcl: entries (policy deny, so `allows` means "matches an entry")', () => {
  const matches = (entry: string, address: string): boolean =>
    createAcl({ policy: 'deny', exclude: [entry] }).allows(address);

  it.each([
    // IPv4 hosts and CIDR
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['192.168.0.0/16', '192.168.255.1', true],
    ['192.168.0.0/16', '192.169.0.1', false],
    ['10.1.2.3/32', '10.1.2.3', true],
    ['10.1.2.3/32', '10.1.2.4', false],
    ['0.0.0.0/0', '198.51.100.7', true],
    ['172.16.5.4/12', '172.31.0.1', true], // host bits in the entry are ignored
    // IPv6
    ['::1', '::1', true],
    ['::1', '0:0:0:0:0:0:0:1', true],
    ['::1', '::2', false],
    ['fd00::/8', 'fd12:3456::1', true],
    ['fd00::/8', 'fe80::1', false],
    ['2001:db8::/128', '2001:db8::', true],
    ['::/0', '2001:db8::5', true],
    // IPv4-mapped IPv6 remote addresses match IPv4 entries
    ['127.0.0.1', '::ffff:127.0.0.1', true],
    ['10.0.0.0/8', '::FFFF:10.9.8.7', true],
    ['10.0.0.0/8', '::ffff:11.0.0.1', false],
    ['10.0.0.0/8', '::ffff:a09:807', true],
    // Classful entries (LAppS 0.9): network addresses without a prefix get the class mask
    ['10.0.0.0', '10.255.1.1', true], // class A /8
    ['10.0.0.0', '11.0.0.1', false],
    ['172.16.0.0', '172.16.200.3', true], // class B /16
    ['172.16.0.0', '172.17.0.1', false],
    ['192.168.1.0', '192.168.1.77', true], // class C /24
    ['192.168.1.0', '192.168.2.1', false],
    ['127.0.0.1', '127.0.0.2', false], // not a network address: a host
    ['10.1.0.0', '10.1.0.1', false], // class A address that is not 10.0.0.0: a host
    ['10.1.0.0', '10.1.0.0', true],
    ['172.16.1.0', '172.16.1.9', false], // class B, third octet set: a host
    ['224.0.0.0', '224.0.0.1', false], // class D: always a host
    ['10.0.0.0/16', '10.1.0.1', false], // an explicit prefix wins over the class
  ] as const)('%s vs %s -> %s', (entry, address, expected) => {
    expect(matches(entry, address)).toBe(expected);
  });

  it('agrees with a naive IPv4 CIDR check on random entries and addresses', () => {
    const toNumber = (parts: number[]): number => parts.reduce((n, part) => n * 256 + part, 0);
    const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
    fc.assert(
      fc.property(octets, fc.integer({ min: 0, max: 32 }), octets, (network, prefix, address) => {
        const size = 2 ** (32 - prefix);
        const inside =
          Math.floor(toNumber(network) / size) === Math.floor(toNumber(address) / size);
        expect(matches(`${network.join('.')}/${prefix}`, address.join('.'))).toBe(inside);
      }),
      { numRuns: 300 },
    );
  });
});

describe('createAcl: bad entries', () => {
  it.each([
    ['300.1.1.1', 'expected an IPv4 or IPv6 address'],
    ['10.0.0', 'expected an IPv4 or IPv6 address'],
    ['010.0.0.1', 'expected an IPv4 or IPv6 address'],
    ['localhost', 'expected an IPv4 or IPv6 address'],
    ['', 'expected an IPv4 or IPv6 address'],
    ['10.0.0.0/33', 'prefix length must be an integer 0..32'],
    ['10.0.0.0/-1', 'prefix length must be an integer 0..32'],
    ['10.0.0.0/', 'prefix length must be an integer 0..32'],
    ['10.0.0.0/8/8', 'prefix length must be an integer 0..32'],
    ['10.0.0.0/ 8', 'prefix length must be an integer 0..32'],
    ['::1/129', 'prefix length must be an integer 0..128'],
    ['::1/1.5', 'prefix length must be an integer 0..128'],
    ['fe80::1%eth0', 'zone indexes'],
    [':::1', 'expected an IPv4 or IPv6 address'],
  ])('rejects %j, naming where it is and the entry', (entry, why) => {
    const exclude = ['127.0.0.1', '::1', entry];
    let caught: unknown;
    try {
      createAcl({ policy: 'allow', exclude }, 'ws.json: acl');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TransportError);
    const error = caught as TransportError;
    expect(error.code).toBe('LAPPS_ERR_BAD_ACL');
    expect(error.message).toContain(`ws.json: acl.exclude[2]: ${JSON.stringify(entry)}`);
    expect(error.message).toContain(why);
  });

  it('rejects a non-string entry and a bad policy', () => {
    expect(() => createAcl({ policy: 'allow', exclude: [42 as unknown as string] }, 'x')).toThrow(
      /x\.exclude\[0\]: 42: expected a string/,
    );
    expect(() =>
      createAcl({ policy: 'maybe' as 'allow', exclude: [] }, 'lapps.json: services.echo.acl'),
    ).toThrow(/lapps\.json: services\.echo\.acl\.policy: expected "allow" or "deny", got "maybe"/);
    expect(() => createAcl({ policy: 'allow', exclude: 'x' as unknown as string[] })).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_BAD_ACL' }),
    );
  });

  it('accepts surrounding whitespace in an entry', () => {
    expect(createAcl({ policy: 'deny', exclude: [' 10.0.0.0/8 '] }).allows('10.1.1.1')).toBe(true);
  });
});
