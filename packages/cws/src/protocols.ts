import { CwsError } from './errors.js';

// RFC 9110 5.6.2: token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" /
// "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. RFC 6455 4.1 requires subprotocols to be tokens.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The subprotocols to offer, as the browser's constructor takes them (WHATWG WebSockets, steps 7-8):
 * undefined, one string, or an array; each a token, none twice. Throws LAPPS_ERR_CWS_PROTOCOLS.
 */
export function normalizeProtocols(protocols: unknown): readonly string[] {
  if (protocols === undefined) return [];
  const list = typeof protocols === 'string' ? [protocols] : protocols;
  if (!Array.isArray(list)) {
    throw new CwsError(
      'LAPPS_ERR_CWS_PROTOCOLS',
      'protocols: expected a string or an array of strings (options are the third argument)',
    );
  }
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) {
      throw new CwsError(
        'LAPPS_ERR_CWS_PROTOCOLS',
        `protocols: ${JSON.stringify(protocol)} is not a token (RFC 9110 5.6.2)`,
      );
    }
    // Case-sensitive, as the browser compares them.
    if (seen.has(protocol)) {
      throw new CwsError('LAPPS_ERR_CWS_PROTOCOLS', `protocols: "${protocol}" is offered twice`);
    }
    seen.add(protocol);
  }
  return [...seen];
}
