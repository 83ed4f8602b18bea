import { acceptKey } from './accept.js';
import { HandshakeError } from './errors.js';
import { type ExtensionOffer, parseExtensions } from './extensions.js';
import type { HeaderMap } from './header-block.js';
import { isHost } from './host.js';
import { generateKey, isValidKey } from './key.js';
import { latin1Bytes } from './latin1.js';
import { checkHeaderValue, type OutgoingHeaders, serializeHeaders } from './outgoing-headers.js';
import type { ResponseHead } from './response-parser.js';
import { parseSubprotocols } from './subprotocol.js';
import { isToken } from './token.js';
import { containsToken, equalsIgnoringCase } from './token-list.js';

export interface ClientRequestOptions {
  /** Host name, IPv4 or IPv6 address (brackets are added to a bare IPv6 address). */
  host: string;
  /** Appended to Host when given; leave it out for the scheme's default port (80 or 443). */
  port?: number;
  /** The request-target: starts with `/`, visible ASCII (percent-encode the rest). */
  path: string;
  /** Subprotocols to offer, in preference order. */
  protocols?: readonly string[];
  /** A `Sec-WebSocket-Extensions` value to offer, e.g. `permessage-deflate; client_max_window_bits`. */
  extensions?: string;
  /** `Origin`, which browsers always send (RFC 6455 10.2). */
  origin?: string;
  /** Extra headers; the handshake's own (Host, Upgrade, Connection, Sec-WebSocket-*) are refused. */
  headers?: OutgoingHeaders;
  /** The `Sec-WebSocket-Key`; a fresh random one by default (tests pass a fixed one). */
  key?: string;
}

export interface ClientRequest {
  /** The key sent: keep it for {@link validateServerResponse}. */
  readonly key: string;
  /** The request head, ready for the socket. */
  readonly request: Uint8Array;
}

function reservedInRequest(name: string): boolean {
  return (
    name === 'host' ||
    name === 'upgrade' ||
    name === 'connection' ||
    name === 'origin' ||
    name.startsWith('sec-websocket-') ||
    name === 'content-length' ||
    name === 'transfer-encoding'
  );
}

function invalid(message: string): HandshakeError {
  return new HandshakeError('LAPPS_ERR_INVALID_ARGUMENT', message);
}

/**
 * The client's opening handshake (RFC 6455 4.1) as bytes. Throws LAPPS_ERR_INVALID_ARGUMENT for
 * a bad host, port, path, key or protocol list, LAPPS_ERR_INVALID_HEADER for a bad extra header.
 *
 * @example
 * const { key, request } = buildClientRequest({ host: 'example.com', path: '/chat', protocols: ['chat'] });
 * socket.write(request); // then ResponseHeadParser + validateServerResponse(response, { key, protocols: ['chat'] })
 */
export function buildClientRequest(options: ClientRequestOptions): ClientRequest {
  const { host, port, path } = options;
  let hostValue =
    typeof host === 'string' && host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (typeof hostValue !== 'string' || !isHost(hostValue)) {
    throw invalid(`host ${JSON.stringify(host)} is not a host name or address`);
  }
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw invalid(`port: expected an integer from 1 to 65535, got ${String(port)}`);
    }
    hostValue += `:${port}`;
  }
  if (!isPath(path)) {
    throw invalid(`path ${JSON.stringify(path)} must start with "/" and be visible ASCII`);
  }
  const key = options.key ?? generateKey();
  if (!isValidKey(key)) throw invalid('key is not the base64 of 16 bytes');

  let head = `GET ${path} HTTP/1.1\r\nHost: ${hostValue}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`;
  const protocols = options.protocols;
  if (protocols !== undefined && protocols.length > 0) {
    for (let i = 0; i < protocols.length; i++) {
      const protocol = protocols[i]!;
      if (!isToken(protocol)) throw invalid(`protocol ${JSON.stringify(protocol)} is not a token`);
      if (protocols.indexOf(protocol) !== i) throw invalid(`protocol "${protocol}" given twice`);
    }
    head += `Sec-WebSocket-Protocol: ${protocols.join(', ')}\r\n`;
  }
  if (options.extensions !== undefined) {
    checkHeaderValue('Sec-WebSocket-Extensions', options.extensions);
    try {
      parseExtensions([options.extensions]); // only to refuse sending a malformed offer
    } catch (error) {
      throw invalid(`extensions: ${(error as Error).message}`);
    }
    head += `Sec-WebSocket-Extensions: ${options.extensions}\r\n`;
  }
  if (options.origin !== undefined) {
    checkHeaderValue('Origin', options.origin);
    head += `Origin: ${options.origin}\r\n`;
  }
  head += serializeHeaders(options.headers, reservedInRequest);
  return { key, request: latin1Bytes(`${head}\r\n`) };
}

function isPath(path: unknown): path is string {
  if (typeof path !== 'string' || path.charCodeAt(0) !== 0x2f) return false;
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

export interface ServerResponseExpectations {
  /** The key the request carried. */
  key: string;
  /** The subprotocols the request offered. */
  protocols?: readonly string[];
  /** The names of the extensions the request offered. */
  extensions?: readonly string[];
}

export interface ServerHandshake {
  /** The subprotocol the server chose, or undefined (RFC 6455 lets it choose none). */
  readonly protocol: string | undefined;
  /** The extensions the server accepted, each one the client offered. */
  readonly extensions: ExtensionOffer[];
  /** Every response header, for the caller's own checks (cookies, say). */
  readonly headers: HeaderMap;
  /** Bytes after the head: the server's first frames. */
  readonly rest: Uint8Array;
}

/**
 * Checks the server's answer as RFC 6455 4.1 (client steps 1-6) requires; throws HandshakeError
 * whose `status` is the status the server sent:
 * LAPPS_ERR_UNEXPECTED_STATUS unless 101; LAPPS_ERR_BAD_UPGRADE unless one `Upgrade: websocket`;
 * LAPPS_ERR_BAD_CONNECTION unless `Connection` lists `upgrade`; LAPPS_ERR_BAD_ACCEPT unless one
 * `Sec-WebSocket-Accept` equal to acceptKey(key); LAPPS_ERR_BAD_SUBPROTOCOL for a protocol that was
 * not offered (or more than one); LAPPS_ERR_BAD_EXTENSIONS for an extension not offered, repeated or
 * malformed. A missing `Sec-WebSocket-Protocol` is accepted even when some were offered (browsers do).
 */
export function validateServerResponse(
  response: ResponseHead,
  expected: ServerResponseExpectations,
): ServerHandshake {
  const { status, headers } = response;
  const fail = (code: HandshakeError['code'], message: string): never => {
    throw new HandshakeError(code, message, { status });
  };
  if (status !== 101) {
    fail(
      'LAPPS_ERR_UNEXPECTED_STATUS',
      `the server answered ${status} ${response.reason}`.trimEnd(),
    );
  }
  const upgrade = headers.get('upgrade');
  if (upgrade?.length !== 1 || !equalsIgnoringCase(upgrade[0]!, 'websocket')) {
    fail('LAPPS_ERR_BAD_UPGRADE', 'the response needs exactly one "Upgrade: websocket"');
  }
  if (!containsToken(headers.get('connection'), 'upgrade')) {
    fail('LAPPS_ERR_BAD_CONNECTION', 'the response Connection header lacks "upgrade"');
  }
  const accept = headers.get('sec-websocket-accept');
  if (accept?.length !== 1 || accept[0] !== acceptKey(expected.key)) {
    fail('LAPPS_ERR_BAD_ACCEPT', 'Sec-WebSocket-Accept is missing or does not match the key');
  }

  let protocol: string | undefined;
  const protocolValues = headers.get('sec-websocket-protocol');
  if (protocolValues !== undefined) {
    const chosen = parseSubprotocols(protocolValues, status);
    protocol = chosen[0];
    if (chosen.length !== 1 || protocol === undefined || !expected.protocols?.includes(protocol)) {
      fail('LAPPS_ERR_BAD_SUBPROTOCOL', 'the server chose a subprotocol that was not offered');
    }
  }

  const extensions = parseExtensions(headers.get('sec-websocket-extensions'), status);
  const names = new Set<string>();
  for (const extension of extensions) {
    if (!expected.extensions?.includes(extension.name) || names.has(extension.name)) {
      fail(
        'LAPPS_ERR_BAD_EXTENSIONS',
        `the server accepted extension "${extension.name}", which was not offered (or twice)`,
      );
    }
    names.add(extension.name);
  }
  return { protocol, extensions, headers, rest: response.rest };
}
