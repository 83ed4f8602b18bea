import { acceptKey } from './accept.js';
import { isBase64Char } from './base64.js';
import { HandshakeError, type HeaderPair } from './errors.js';
import { isValidKey } from './key.js';
import { latin1Bytes } from './latin1.js';
import { headerPairs, type OutgoingHeaders, serializeHeaders } from './outgoing-headers.js';
import { reasonPhrase } from './reason-phrase.js';
import { isToken } from './token.js';

export interface AcceptResponseOptions {
  /** The client's `Sec-WebSocket-Key` (the accept value is computed from it)... */
  key?: string;
  /** ...or the `Sec-WebSocket-Accept` value already computed with {@link acceptKey}. */
  accept?: string;
  /** The chosen subprotocol; must be one the client offered (see chooseSubprotocol). */
  protocol?: string;
  /** Extra headers (e.g. a service's `extra_headers`); cannot override the handshake's own. */
  headers?: OutgoingHeaders;
}

/**
 * The handshake's own headers in a 101, plus Content-Length and Transfer-Encoding, which a 1xx
 * must not carry (RFC 9110 8.6, RFC 9112 6.1).
 */
function reservedIn101(name: string): boolean {
  return (
    name === 'upgrade' ||
    name === 'connection' ||
    name.startsWith('sec-websocket-') ||
    name === 'content-length' ||
    name === 'transfer-encoding'
  );
}

/**
 * The `101 Switching Protocols` response (RFC 6455 4.2.2), as bytes ready for the socket.
 * Throws LAPPS_ERR_INVALID_HEADER for an extra header that is not a token name, whose value
 * holds CR/LF/NUL/controls, or that names a handshake header; LAPPS_ERR_INVALID_ARGUMENT when
 * neither a valid key nor an accept value is given.
 */
export function buildAcceptResponse(options: AcceptResponseOptions): Uint8Array {
  let accept: string;
  if (options.accept !== undefined) {
    if (!isAcceptValue(options.accept)) {
      throw new HandshakeError(
        'LAPPS_ERR_INVALID_ARGUMENT',
        'accept is not the base64 of 20 bytes',
      );
    }
    accept = options.accept;
  } else if (options.key !== undefined && isValidKey(options.key)) {
    accept = acceptKey(options.key);
  } else {
    throw new HandshakeError(
      'LAPPS_ERR_INVALID_ARGUMENT',
      'a valid key or an accept value is needed',
    );
  }
  let head = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n`;
  if (options.protocol !== undefined) {
    if (!isToken(options.protocol)) {
      throw new HandshakeError(
        'LAPPS_ERR_INVALID_HEADER',
        `subprotocol ${JSON.stringify(options.protocol)} is not a token`,
      );
    }
    head += `Sec-WebSocket-Protocol: ${options.protocol}\r\n`;
  }
  head += serializeHeaders(options.headers, reservedIn101);
  return latin1Bytes(`${head}\r\n`);
}

/** 28 chars: 27 of the alphabet and `=`, which is how base64 writes 20 bytes. */
function isAcceptValue(value: string): boolean {
  if (value.length !== 28 || value.charCodeAt(27) !== 0x3d) return false;
  for (let i = 0; i < 27; i++) {
    if (!isBase64Char(value.charCodeAt(i))) return false;
  }
  return true;
}

export interface ErrorResponseOptions {
  /** Extra headers; Connection, Content-Length, Content-Type and Transfer-Encoding are ours. */
  headers?: OutgoingHeaders;
  /** The body, sent as UTF-8 text/plain. Default: the reason phrase. */
  body?: string;
}

function reservedInError(name: string): boolean {
  return (
    name === 'connection' ||
    name === 'content-length' ||
    name === 'content-type' ||
    name === 'transfer-encoding' ||
    name === 'upgrade'
  );
}

/**
 * An error response that closes the connection (the server must not go on reading a request it
 * refused): status line with the standard reason, `Connection: close`, a UTF-8 text/plain body
 * with its Content-Length. Adds what the status requires unless the caller sent it:
 * `Allow: GET` for 405 (RFC 9110 15.5.6), `Sec-WebSocket-Version: 13` for 426 (RFC 6455 4.4),
 * and for 426 also `Upgrade: websocket` with `Connection: Upgrade, close` (RFC 9110 15.5.22 and
 * 7.8: a 426 names the protocol to upgrade to, and an Upgrade header is listed in Connection).
 * `status` must be an integer from 300 to 599 (LAPPS_ERR_INVALID_STATUS).
 */
export function buildErrorResponse(status: number, options?: ErrorResponseOptions): Uint8Array {
  if (!Number.isInteger(status) || status < 300 || status > 599) {
    throw new HandshakeError(
      'LAPPS_ERR_INVALID_STATUS',
      `an error response needs a status from 300 to 599, got ${String(status)}`,
    );
  }
  const reason = reasonPhrase(status);
  const seen = new Set<string>();
  let extra = serializeHeaders(options?.headers, reservedInError, seen);
  if (status === 405 && !seen.has('allow')) extra += 'Allow: GET\r\n';
  if (status === 426 && !seen.has('sec-websocket-version'))
    extra += 'Sec-WebSocket-Version: 13\r\n';
  const body = new TextEncoder().encode(options?.body ?? reason);
  const connection =
    status === 426
      ? 'Connection: Upgrade, close\r\nUpgrade: websocket\r\n'
      : 'Connection: close\r\n';
  const head = latin1Bytes(
    `HTTP/1.1 ${status} ${reason}\r\n${connection}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n${extra}\r\n`,
  );
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/**
 * The response for a HandshakeError caught on the server side: its status and the headers it
 * carries (e.g. `Allow: GET`). The body is the reason phrase, not `error.message`, which may quote
 * the client's bytes. Throws LAPPS_ERR_INVALID_STATUS for a client-side error (status below 300).
 *
 * @example
 * try { ... } catch (error) {
 *   if (error instanceof HandshakeError) socket.end(errorResponseFor(error));
 * }
 */
export function errorResponseFor(
  error: HandshakeError,
  options?: ErrorResponseOptions,
): Uint8Array {
  const more = options?.headers;
  const headers = more === undefined ? error.headers : [...error.headers, ...headerPairs(more)];
  // buildErrorResponse validates every pair, the caller's and the error's alike.
  return buildErrorResponse(error.status, {
    headers: headers as readonly HeaderPair[],
    body: options?.body,
  });
}
