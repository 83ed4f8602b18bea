import net from 'node:net';
import tls from 'node:tls';
import { TransportError } from './errors.js';
import { formatHostPort } from './remote-address.js';
import type { TlsMinVersion } from './tls-version.js';

export interface ConnectOptions {
  /** A host name, an IPv4 literal or an IPv6 literal (with or without brackets). */
  host: string;
  port: number;
  /** Present means TLS. */
  tls?: {
    /** The name to verify the certificate against and to send as SNI; default `host`. */
    servername?: string;
    /** PEM contents of the CA(s) to trust INSTEAD of Node's bundled roots. */
    ca?: string | Uint8Array;
    /**
     * A prepared `tls.createSecureContext(...)`, shared by many connections: building one parses
     * every trusted CA, which costs milliseconds per connection otherwise. Wins over `ca`.
     */
    secureContext?: tls.SecureContext;
    /** Default true: an unverifiable certificate or a wrong host name fails the connection. */
    rejectUnauthorized?: boolean;
    /** Default 'TLSv1.2'. */
    minVersion?: TlsMinVersion;
  };
  /** For TCP connect plus TLS handshake; default 10000 ms. */
  timeoutMs?: number;
  /**
   * Plain TCP only (an error with `tls`): libuv reads into `buffer` and calls `callback` with the
   * byte count instead of emitting `'data'` (Node's `net.connect` `onread`): no buffer per read.
   * The bytes are valid only during the call. Return `false` to pause reading.
   */
  onread?: {
    buffer: Uint8Array;
    callback: (bytesRead: number, buffer: Uint8Array) => boolean;
  };
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens a TCP or TLS connection and resolves once it is usable (for TLS: handshake done and, by
 * default, certificate and host name verified). Rejects with `TransportError`:
 * `LAPPS_ERR_CONNECT`, `LAPPS_ERR_CONNECT_TIMEOUT`, `LAPPS_ERR_TLS_VERIFY` (the message has
 * OpenSSL's or Node's reason) or `LAPPS_ERR_TLS_HANDSHAKE` (any other TLS failure).
 *
 * @example
 * const socket = await connect({ host: 'example.com', port: 443, tls: {} });
 */
export function connect(options: ConnectOptions): Promise<net.Socket> {
  const host = unbracket(options.host);
  const port = options.port;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const where = formatHostPort(host, port);
  if (!(timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1)) {
    return Promise.reject(
      new TransportError(
        'LAPPS_ERR_INVALID_ARGUMENT',
        `connect ${where}: timeoutMs must be 1..${2 ** 31 - 1}, got ${timeoutMs}`,
      ),
    );
  }

  if (options.onread !== undefined && options.tls !== undefined) {
    return Promise.reject(
      new TransportError(
        'LAPPS_ERR_INVALID_ARGUMENT',
        `connect ${where}: onread applies to plain TCP only, not with tls`,
      ),
    );
  }

  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    try {
      socket =
        options.tls === undefined
          ? net.connect({ host, port, noDelay: true, onread: options.onread })
          : connectTls(host, port, options.tls);
    } catch (error) {
      // Node validates host and port synchronously (ERR_SOCKET_BAD_PORT, ...).
      reject(
        new TransportError('LAPPS_ERR_CONNECT', `connect ${where}: ${messageOf(error)}`, {
          cause: error,
        }),
      );
      return;
    }
    const readyEvent = options.tls === undefined ? 'connect' : 'secureConnect';
    // For TLS, whether TCP got through: a failure after that is the handshake's.
    let tcpConnected = false;
    const onTcpConnect = (): void => {
      tcpConnected = true;
    };

    const settle = (error?: TransportError): void => {
      clearTimeout(timer);
      socket.off(readyEvent, onReady);
      socket.off('connect', onTcpConnect);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error === undefined) {
        resolve(socket);
      } else {
        // Keep a listener: a late error from the discarded socket must not become uncaught.
        socket.on('error', () => {});
        socket.destroy();
        reject(error);
      }
    };
    const onReady = (): void => settle();
    const onError = (error: Error): void => settle(classify(error, socket, where, tcpConnected));
    const onClose = (): void =>
      settle(
        new TransportError(
          'LAPPS_ERR_CONNECT',
          `connect ${where}: the connection closed before it was ready`,
        ),
      );
    const timer = setTimeout(
      () =>
        settle(
          new TransportError(
            'LAPPS_ERR_CONNECT_TIMEOUT',
            `connect ${where}: not ${options.tls === undefined ? 'connected' : 'through the TLS handshake'} within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    socket.once(readyEvent, onReady);
    if (options.tls !== undefined) socket.once('connect', onTcpConnect);
    socket.on('error', onError);
    socket.once('close', onClose);
  });
}

function connectTls(
  host: string,
  port: number,
  options: NonNullable<ConnectOptions['tls']>,
): tls.TLSSocket {
  const verifyName = unbracket(options.servername ?? host);
  const tlsOptions: tls.ConnectionOptions = {
    host,
    port,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    minVersion: options.minVersion ?? 'TLSv1.2',
    // Verify against the name the caller means, which may be an IP literal: Node checks IP SANs.
    checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(verifyName, certificate),
  };
  // RFC 6066 section 3: SNI carries host names only, never IP literals.
  if (net.isIP(verifyName) === 0) tlsOptions.servername = verifyName;
  if (options.secureContext !== undefined) tlsOptions.secureContext = options.secureContext;
  else if (options.ca !== undefined)
    tlsOptions.ca = typeof options.ca === 'string' ? options.ca : Buffer.from(options.ca);
  const socket = tls.connect(tlsOptions);
  socket.setNoDelay(true);
  return socket;
}

/**
 * Node reports a failed verification by destroying the socket with the verify error, after setting
 * `authorizationError` (lib/_tls_wrap.js onConnectSecure): that tells it apart from other failures.
 */
function classify(
  error: Error,
  socket: net.Socket,
  where: string,
  tcpConnected: boolean,
): TransportError {
  const authorizationError = (socket as Partial<tls.TLSSocket>).authorizationError;
  if (authorizationError !== undefined && authorizationError !== null) {
    return new TransportError(
      'LAPPS_ERR_TLS_VERIFY',
      `connect ${where}: certificate not accepted: ${messageOf(error)}`,
      { cause: error },
    );
  }
  if (tcpConnected) {
    return new TransportError(
      'LAPPS_ERR_TLS_HANDSHAKE',
      `connect ${where}: TLS handshake failed: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  return new TransportError('LAPPS_ERR_CONNECT', `connect ${where}: ${messageOf(error)}`, {
    cause: error,
  });
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message;
}
