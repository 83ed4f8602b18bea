import net from 'node:net';
import { TransportError } from './errors.js';

/** One parsed ACL entry: a network and its prefix length, ready for `BlockList.addSubnet`. */
export interface AclEntry {
  readonly family: 'ipv4' | 'ipv6';
  readonly network: string;
  readonly prefix: number;
}

const PREFIX_DIGITS = /^[0-9]{1,3}$/;

/**
 * Parses `a.b.c.d`, `a.b.c.d/NN`, an IPv6 address or `addr/NN`. `where` names the entry in
 * error messages, e.g. 'ws.json: acl.exclude[2]'.
 */
export function parseAclEntry(entry: string, where: string): AclEntry {
  const bad = (why: string): TransportError =>
    new TransportError('LAPPS_ERR_BAD_ACL', `${where}: ${JSON.stringify(entry)}: ${why}`);

  if (typeof entry !== 'string') throw bad('expected a string');
  const text = entry.trim();
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);

  // A zone index ('fe80::1%eth0') names an interface, not a network; BlockList would drop it silently.
  if (address.includes('%')) throw bad('IPv6 zone indexes (%) are not supported');
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
  if (family === undefined) {
    throw bad('expected an IPv4 or IPv6 address, optionally with /prefix');
  }
  const maxPrefix = family === 'ipv4' ? 32 : 128;

  if (prefixText === undefined) {
    const prefix = family === 'ipv4' ? classfulPrefix(address) : maxPrefix;
    return { family, network: address, prefix };
  }
  const prefix = PREFIX_DIGITS.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= maxPrefix)) {
    throw bad(`prefix length must be an integer 0..${maxPrefix}`);
  }
  return { family, network: address, prefix };
}

/**
 * LAppS 0.9 compatibility: an IPv4 entry without a prefix that equals its classful network address
 * gets the class mask (A /8 below 128, B /16 below 192, C /24 below 224), so '10.0.0.0' means
 * 10.0.0.0/8 and '192.168.1.0' means 192.168.1.0/24, as the original read them. Any other address,
 * e.g. '127.0.0.1', and class D/E addresses are single hosts (/32).
 */
export function classfulPrefix(ipv4: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split('.').map(Number);
  if (a < 128) return b === 0 && c === 0 && d === 0 ? 8 : 32;
  if (a < 192) return c === 0 && d === 0 ? 16 : 32;
  if (a < 224) return d === 0 ? 24 : 32;
  return 32;
}
