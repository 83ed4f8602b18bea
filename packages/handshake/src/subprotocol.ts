import { HandshakeError } from './errors.js';
import { isOws, isTchar } from './token.js';

/**
 * Parses the client's `Sec-WebSocket-Protocol` values (RFC 6455 4.1: `1#token`, OWS around the
 * commas; several header lines combine in order) into the offered subprotocols.
 *
 * A char-by-char scan, not a regular expression: `ws` had a ReDoS here (CVE-2021-32640), where a
 * value of many spaces made its regex backtrack quadratically. This is one pass.
 *
 * Empty list elements (`a, , b`) are skipped as RFC 9110 5.6.1 asks; a header that names no
 * protocol at all, an invalid token or a repeated protocol throws LAPPS_ERR_BAD_SUBPROTOCOL (400).
 * Returns `[]` when the header is absent. `status` is for the client side (see HandshakeError).
 */
export function parseSubprotocols(
  values: readonly string[] | undefined,
  status?: number,
): string[] {
  const protocols: string[] = [];
  if (values === undefined) return protocols;
  for (const value of values) {
    const n = value.length;
    let i = 0;
    while (i < n) {
      let c = value.charCodeAt(i);
      if (isOws(c) || c === 0x2c) {
        i++;
        continue;
      }
      const start = i;
      while (i < n && isTchar(value.charCodeAt(i))) i++;
      if (i === start) throw bad(`invalid character at offset ${i}`, status);
      const protocol = value.slice(start, i);
      while (i < n && isOws(value.charCodeAt(i))) i++;
      c = value.charCodeAt(i);
      if (i < n && c !== 0x2c) throw bad(`invalid character at offset ${i}`, status);
      // Lists are short (bounded by the head size); includes() beats building a Set here.
      if (protocols.includes(protocol)) throw bad(`"${protocol}" offered twice`, status);
      protocols.push(protocol);
    }
  }
  if (protocols.length === 0) throw bad('the header names no subprotocol', status);
  return protocols;
}

function bad(what: string, status: number | undefined): HandshakeError {
  return new HandshakeError('LAPPS_ERR_BAD_SUBPROTOCOL', `Sec-WebSocket-Protocol: ${what}`, {
    status,
  });
}

/**
 * Picks the subprotocol to answer with: the first of `supported` (the server's preference order)
 * that the client offered, compared case-sensitively as `ws` and browsers do. Undefined when none
 * matches; RFC 6455 4.2.2 then has the server answer without a `Sec-WebSocket-Protocol` header
 * (the client decides whether to go on).
 */
export function chooseSubprotocol(
  offered: readonly string[],
  supported: readonly string[],
): string | undefined {
  for (const protocol of supported) {
    if (offered.includes(protocol)) return protocol;
  }
  return undefined;
}
