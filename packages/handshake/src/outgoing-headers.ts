import { HandshakeError, type HeaderPair } from './errors.js';
import { isToken } from './token.js';

/** Extra headers for a request or response: an object, or pairs when a name repeats. */
export type OutgoingHeaders = Readonly<Record<string, string>> | readonly HeaderPair[];

/**
 * Throws LAPPS_ERR_INVALID_HEADER unless `value` is safe to put on the wire: no CR, LF, NUL or
 * other controls (they would let a value end the header and inject others: response splitting),
 * and nothing above 0xFF (the head is latin1; encode other text first).
 */
export function checkHeaderValue(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new HandshakeError('LAPPS_ERR_INVALID_HEADER', `header ${name}: value is not a string`);
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) {
      throw new HandshakeError(
        'LAPPS_ERR_INVALID_HEADER',
        `header ${name}: character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not allowed in a value`,
      );
    }
  }
}

/**
 * Serializes validated extra headers as `Name: value\r\n` lines. `reserved` gets each lower-cased
 * name and says whether the handshake owns it (the caller must not override those). `seen`
 * collects the lower-cased names, for defaults the caller adds only when absent.
 */
export function serializeHeaders(
  headers: OutgoingHeaders | undefined,
  reserved: (lowerName: string) => boolean,
  seen?: Set<string>,
): string {
  if (headers === undefined) return '';
  let out = '';
  for (const pair of headerPairs(headers)) {
    const [name, value] = pair;
    if (typeof name !== 'string' || !isToken(name)) {
      throw new HandshakeError(
        'LAPPS_ERR_INVALID_HEADER',
        `header name ${JSON.stringify(name)} is not an RFC 9110 token`,
      );
    }
    const lower = name.toLowerCase();
    if (reserved(lower)) {
      throw new HandshakeError(
        'LAPPS_ERR_INVALID_HEADER',
        `header ${name} is set by the handshake itself and cannot be overridden`,
      );
    }
    checkHeaderValue(name, value);
    seen?.add(lower);
    out += `${name}: ${value}\r\n`;
  }
  return out;
}

/** The headers as `[name, value]` pairs, whichever form they came in (values unchecked). */
export function headerPairs(headers: OutgoingHeaders): readonly (readonly [unknown, unknown])[] {
  return Array.isArray(headers)
    ? (headers as readonly HeaderPair[])
    : Object.entries(headers as Readonly<Record<string, string>>);
}
