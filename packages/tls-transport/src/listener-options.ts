import type net from 'node:net';
import type { AcceptedConnection } from './accepted-connection.js';
import type { Acl } from './acl.js';
import type { RejectReason } from './connection-limits.js';
import { TransportError } from './errors.js';
import type { TlsFiles } from './server-tls.js';
import type { TlsMinVersion } from './tls-version.js';
import type { TransportEvent } from './transport-event.js';

export interface ListenerOptions {
  host: string;
  /** 0 picks a free port (tests); read it back with `listener.address().port`. */
  port: number;
  /** TLS material and minimum version; absent means plain TCP. */
  tls?: { files: TlsFiles; minVersion: TlsMinVersion };
  /** Checked on the raw TCP socket at accept, before any TLS work; denied sockets are destroyed. */
  acl?: Acl;
  /** Open admitted connections at once (default Infinity); over it, `onReject('max-connections')`. */
  maxConnections?: number;
  /** Open admitted connections per remote address (default Infinity). */
  maxConnectionsPerAddress?: number;
  /**
   * From TCP accept until `conn.ready()` (default 5000 ms; `Infinity` for none). It covers the TLS
   * handshake, so a peer that opens a TCP connection and stalls (slowloris) is dropped either way.
   */
  handshakeTimeoutMs?: number;
  /**
   * An admitted connection. Plain TCP: the socket is still PAUSED and untouched (no 'data'
   * listener, no encoding), so its `_handle` can be re-wrapped (then call `conn.track`). TLS: the
   * TLSSocket after its handshake, not paused. The socket (and any socket given to `conn.track`)
   * already has an 'error' listener, which reports errors as `socket-error` events.
   */
  onConnection(socket: net.Socket, conn: AcceptedConnection): void;
  /**
   * A connection over a cap (default: destroy it). Plain TCP: at once, paused; TLS: after the TLS
   * handshake, so a reply (HTTP 503) can be written. The handshake deadline still runs.
   */
  onReject?(socket: net.Socket, conn: AcceptedConnection, reason: RejectReason): void;
  /** For logging; see `TransportEvent`. */
  onEvent?(event: TransportEvent): void;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;

// setTimeout cannot wait longer (it fires at once, with a warning, above 2^31 - 1 ms).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The options with defaults filled in, checked so that a wrong config fails at start, by name. */
export interface ListenerSettings {
  host: string;
  port: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  handshakeTimeoutMs: number;
}

export function resolveListenerSettings(options: ListenerOptions): ListenerSettings {
  if (typeof options.host !== 'string' || options.host.length === 0) {
    invalid(`host: expected an IP address or host name, got ${JSON.stringify(options.host)}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    invalid(`port: expected an integer 0..65535, got ${show(options.port)}`);
  }
  if (typeof options.onConnection !== 'function') invalid('onConnection: expected a function');
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  if (
    !(
      handshakeTimeoutMs === Number.POSITIVE_INFINITY ||
      (handshakeTimeoutMs > 0 && handshakeTimeoutMs <= MAX_TIMER_MS)
    )
  ) {
    invalid(
      `handshakeTimeoutMs: expected 1..${MAX_TIMER_MS} or Infinity, got ${show(handshakeTimeoutMs)}`,
    );
  }
  return {
    host: options.host,
    port: options.port,
    maxConnections: count('maxConnections', options.maxConnections),
    maxConnectionsPerAddress: count('maxConnectionsPerAddress', options.maxConnectionsPerAddress),
    handshakeTimeoutMs,
  };
}

function count(name: string, value: number | undefined): number {
  if (value === undefined || value === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(value) || value < 0) {
    invalid(`${name}: expected an integer >= 0 or Infinity, got ${show(value)}`);
  }
  return value;
}

/** A value as a config author wrote it: strings quoted, NaN as NaN (JSON.stringify says null). */
function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function invalid(message: string): never {
  throw new TransportError('LAPPS_ERR_INVALID_ARGUMENT', `Listener.listen: ${message}`);
}
