import { isIP } from 'node:net';

/**
 * Syntax checks for addresses in the config. Only the syntax: whether an address exists on this
 * machine is for the listener to find out.
 */

/** An IPv4 or IPv6 address without a zone (`fe80::1%eth0` cannot go into a `net.BlockList`). */
export function isIpAddress(text: string): boolean {
  return !text.includes('%') && isIP(text) !== 0;
}

/**
 * An ACL entry: an address, or an address with a prefix length (`10.0.0.0/8`, `fd00::/8`). As in
 * LAppS 0.9, an IPv4 entry without a prefix is allowed; the ACL code decides what it covers.
 */
export function isAclEntry(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash === -1) return isIpAddress(text);
  const address = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || !isIpAddress(address)) return false;
  return Number(prefix) <= (isIP(address) === 4 ? 32 : 128);
}
