import { HandshakeError } from './errors.js';
import { type ExtensionOffer, parseExtensions } from './extensions.js';
import { isHost } from './host.js';
import { isValidKey } from './key.js';
import type { RequestHead } from './request-parser.js';
import { chooseSubprotocol, parseSubprotocols } from './subprotocol.js';
import { containsToken } from './token-list.js';

/** What a valid opening handshake asks for. */
export interface UpgradeRequest {
  /** `Sec-WebSocket-Key`, for {@link acceptKey}. */
  readonly key: string;
  /** The request-target, e.g. `/chat?room=1`: the server routes on it. */
  readonly target: string;
  /** The `Host` value. */
  readonly host: string;
  /** The first `Origin` value, if any: browsers send it, the server may check it (RFC 6455 10.2). */
  readonly origin: string | undefined;
  /** Offered subprotocols in the client's order (`[]` when none). */
  readonly protocols: string[];
  /** The subprotocol chosen from `options.subprotocols`, or undefined. */
  readonly protocol: string | undefined;
  /** Offered extensions in order (`[]` when none). This server accepts none yet. */
  readonly extensions: ExtensionOffer[];
}

export interface UpgradeOptions {
  /** Subprotocols this endpoint speaks, in preference order; sets `protocol` in the result. */
  subprotocols?: readonly string[];
}

/**
 * Checks that a request is a valid WebSocket opening handshake (RFC 6455 4.2.1) and returns what
 * it asks for; throws HandshakeError with the status to answer:
 * - method not GET: 405 with `Allow: GET`;
 * - HTTP/1.0: 400 (HTTP/2+ never gets here: the parser answered 505);
 * - `Host` missing, repeated or not a host[:port]: 400 (RFC 9112 3.2);
 * - `Upgrade` without the token `websocket`, `Connection` without `upgrade`: 400. RFC 6455 4.2.1
 *   names 400 for a handshake that does not match; it keeps 426 for the version mismatch, and
 *   `ws` answers 400 here too;
 * - `Sec-WebSocket-Version` not exactly one `13` (missing included): 426 with
 *   `Sec-WebSocket-Version: 13` (RFC 6455 4.4);
 * - `Sec-WebSocket-Key` missing, repeated or not base64 of 16 bytes: 400;
 * - malformed `Sec-WebSocket-Protocol` or `Sec-WebSocket-Extensions`: 400.
 */
export function validateUpgrade(request: RequestHead, options?: UpgradeOptions): UpgradeRequest {
  const headers = request.headers;
  if (request.method !== 'GET') {
    throw new HandshakeError(
      'LAPPS_ERR_METHOD_NOT_ALLOWED',
      `method ${request.method}: a WebSocket handshake is a GET`,
      { headers: [['Allow', 'GET']] },
    );
  }
  const { major, minor } = request.version;
  if (major < 1 || (major === 1 && minor < 1)) {
    throw new HandshakeError(
      'LAPPS_ERR_HTTP_1_1_REQUIRED',
      `HTTP/${major}.${minor}: a WebSocket handshake needs HTTP/1.1 or later`,
    );
  }
  if (major > 1) {
    throw new HandshakeError('LAPPS_ERR_BAD_VERSION', `HTTP/${major}.${minor} is not supported`);
  }

  const hosts = headers.get('host');
  const host = hosts?.[0];
  if (hosts === undefined || hosts.length !== 1 || host === undefined || !isHost(host)) {
    throw new HandshakeError(
      'LAPPS_ERR_BAD_HOST',
      hosts === undefined || hosts.length === 0
        ? 'no Host header'
        : hosts.length > 1
          ? 'more than one Host header'
          : 'Host is not a host[:port]',
    );
  }

  if (!containsToken(headers.get('upgrade'), 'websocket')) {
    throw new HandshakeError('LAPPS_ERR_BAD_UPGRADE', 'Upgrade header without "websocket"');
  }
  if (!containsToken(headers.get('connection'), 'upgrade')) {
    throw new HandshakeError('LAPPS_ERR_BAD_CONNECTION', 'Connection header without "upgrade"');
  }

  const versions = headers.get('sec-websocket-version');
  if (versions === undefined || versions.length !== 1 || versions[0] !== '13') {
    throw new HandshakeError(
      'LAPPS_ERR_BAD_WS_VERSION',
      'Sec-WebSocket-Version must be 13 (the only version this server speaks)',
      { headers: [['Sec-WebSocket-Version', '13']] },
    );
  }

  const keys = headers.get('sec-websocket-key');
  const key = keys?.[0];
  if (keys === undefined || keys.length !== 1 || key === undefined || !isValidKey(key)) {
    throw new HandshakeError(
      'LAPPS_ERR_BAD_KEY',
      keys !== undefined && keys.length > 1
        ? 'more than one Sec-WebSocket-Key header'
        : 'Sec-WebSocket-Key missing or not the base64 of 16 bytes',
    );
  }

  const protocols = parseSubprotocols(headers.get('sec-websocket-protocol'));
  const supported = options?.subprotocols;
  return {
    key,
    target: request.target,
    host,
    origin: headers.get('origin')?.[0],
    protocols,
    protocol:
      supported === undefined || protocols.length === 0
        ? undefined
        : chooseSubprotocol(protocols, supported),
    extensions: parseExtensions(headers.get('sec-websocket-extensions')),
  };
}
