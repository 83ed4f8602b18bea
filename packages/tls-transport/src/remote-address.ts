import net from 'node:net';

const IPV4_MAPPED_PREFIX = '::ffff:';

/**
 * The address a peer is known by: an IPv4-mapped IPv6 address ('::ffff:127.0.0.1', what a
 * dual-stack '::' listener reports for IPv4 clients) becomes plain IPv4, so logs, per-address
 * counts and ACL entries see one spelling per client.
 */
export function normalizeAddress(address: string): string {
  if (
    address.length > IPV4_MAPPED_PREFIX.length &&
    address.toLowerCase().startsWith(IPV4_MAPPED_PREFIX)
  ) {
    const tail = address.slice(IPV4_MAPPED_PREFIX.length);
    if (net.isIPv4(tail)) return tail;
  }
  return address;
}

/** `host:port` for messages, with IPv6 literals in brackets as in URLs ('[::1]:5083'). */
export function formatHostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
