import net from 'node:net';
import { parseAclEntry } from './acl-entry.js';
import { TransportError } from './errors.js';

/** The network ACL of ws.json (`acl`) or of one service in lapps.json. */
export interface AclOptions {
  /**
   * 'allow': everyone is allowed except the `exclude` entries; 'deny': only the `exclude` entries
   * are allowed (LAppS 0.9's meaning: `exclude` lists the exceptions to the policy).
   */
  policy: 'allow' | 'deny';
  /** IPv4 or IPv6 addresses and CIDR networks; see `createAcl` for the classful rule. */
  exclude: readonly string[];
}

export interface Acl {
  /**
   * Whether a peer may connect. Takes what `socket.remoteAddress` gives, IPv4-mapped IPv6
   * included; a string that is not an IP address is never allowed.
   */
  allows(address: string): boolean;
}

/**
 * Builds an ACL on `net.BlockList` (IPv4 and IPv6; IPv4-mapped IPv6 addresses match IPv4 entries).
 * Throws `TransportError('LAPPS_ERR_BAD_ACL')` naming `where` and the bad entry.
 *
 * @example
 * const acl = createAcl({ policy: 'deny', exclude: ['127.0.0.1', '::1', '10.0.0.0/8'] }, 'ws.json: acl');
 * acl.allows('::ffff:10.1.2.3'); // true
 */
export function createAcl(options: AclOptions, where = 'acl'): Acl {
  if (options.policy !== 'allow' && options.policy !== 'deny') {
    throw new TransportError(
      'LAPPS_ERR_BAD_ACL',
      `${where}.policy: expected "allow" or "deny", got ${JSON.stringify(options.policy)}`,
    );
  }
  if (!Array.isArray(options.exclude)) {
    throw new TransportError(
      'LAPPS_ERR_BAD_ACL',
      `${where}.exclude: expected an array of addresses`,
    );
  }
  const listed = new net.BlockList();
  options.exclude.forEach((text, index) => {
    const entry = parseAclEntry(text, `${where}.exclude[${index}]`);
    listed.addSubnet(entry.network, entry.prefix, entry.family);
  });
  const allowListed = options.policy === 'deny';

  return {
    allows(address: string): boolean {
      const family = net.isIP(address);
      // Fail closed: a socket whose address cannot be read is not let in under either policy.
      if (family === 0) return false;
      return listed.check(address, family === 4 ? 'ipv4' : 'ipv6') === allowListed;
    },
  };
}
