import type tls from 'node:tls';
import { DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE } from '@lapps/frame-codec';
import type { OutgoingHeaders } from '@lapps/handshake';
import { type BinaryType, checkBinaryType, DEFAULT_BINARY_TYPE } from './binary-type.js';
import { CwsError } from './errors.js';

/** The third argument of `new WebSocketClient(url, protocols, options)`. Every field is optional. */
export interface ClientOptions {
  /** Extra request headers (an object, or `[name, value]` pairs to repeat a name). */
  headers?: OutgoingHeaders;
  /** The `Origin` header, which browsers always send and Node clients need not. */
  origin?: string;
  /** PEM CA certificate(s) to trust for wss:, INSTEAD of Node's bundled roots. */
  ca?: string | Uint8Array;
  /**
   * A `tls.createSecureContext()` to use for wss:, shared by many clients (building one parses
   * every CA it trusts: milliseconds per connection otherwise). Wins over `ca`.
   */
  secureContext?: tls.SecureContext;
  /** Default true: an unverifiable certificate or a wrong host name fails the connection. */
  rejectUnauthorized?: boolean;
  /** The name to verify the certificate against and to send as SNI (default: the URL's host). */
  servername?: string;
  /** TCP connect + TLS handshake + HTTP upgrade must finish within this (default 10000 ms). */
  handshakeTimeoutMs?: number;
  /** After close(), how long to wait for the server's close frame and TCP close (default 5000 ms). */
  closeTimeoutMs?: number;
  /** Largest message accepted, summed over fragments (default 16 MiB); above it: close 1009. */
  maxMessageSize?: number;
  /** Most frames one message may be split into (default 131072); above it: close 1008. */
  maxFragments?: number;
  /** The initial `binaryType` (default 'nodebuffer'). */
  binaryType?: BinaryType;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
// Long enough for a loaded server to answer, short enough that a dead peer does not hold a socket
// for long; ws waits 30 s, browsers vary. A server that answers, answers in milliseconds.
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
export { DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE };

/** The options with every default filled in and every value checked. */
export interface ResolvedOptions {
  readonly headers: OutgoingHeaders | undefined;
  readonly origin: string | undefined;
  readonly ca: string | Uint8Array | undefined;
  readonly secureContext: tls.SecureContext | undefined;
  readonly rejectUnauthorized: boolean;
  readonly servername: string | undefined;
  readonly handshakeTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly maxMessageSize: number;
  readonly maxFragments: number;
  readonly binaryType: BinaryType;
}

const KNOWN = new Set<string>([
  'headers',
  'origin',
  'ca',
  'secureContext',
  'rejectUnauthorized',
  'servername',
  'handshakeTimeoutMs',
  'closeTimeoutMs',
  'maxMessageSize',
  'maxFragments',
  'binaryType',
]);

// setTimeout's largest delay; beyond it Node fires after 1 ms.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function invalid(message: string): CwsError {
  return new CwsError('LAPPS_ERR_CWS_OPTION', message);
}

function integerIn(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(`options.${name}: expected an integer from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks `options` and fills in the defaults. Throws LAPPS_ERR_CWS_OPTION naming the option. An
 * unknown key is refused rather than ignored: `{ protocols }` here (they are the second argument)
 * or a misspelt `rejectUnauthorised` would otherwise do nothing, silently.
 */
export function resolveOptions(options: ClientOptions | undefined): ResolvedOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) {
    throw invalid(`options: expected an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      const hint = key === 'protocols' ? ' (subprotocols are the second argument)' : '';
      throw invalid(`options.${key}: unknown option${hint}`);
    }
  }
  const { origin, ca, servername, rejectUnauthorized, secureContext } = options;
  if (
    secureContext !== undefined &&
    (typeof secureContext !== 'object' || secureContext === null || !('context' in secureContext))
  ) {
    throw invalid('options.secureContext: expected a tls.createSecureContext() result');
  }
  if (origin !== undefined && typeof origin !== 'string') {
    throw invalid('options.origin: expected a string');
  }
  if (ca !== undefined && typeof ca !== 'string' && !(ca instanceof Uint8Array)) {
    throw invalid('options.ca: expected PEM contents as a string or a Uint8Array');
  }
  if (servername !== undefined && (typeof servername !== 'string' || servername === '')) {
    throw invalid('options.servername: expected a non-empty string');
  }
  if (rejectUnauthorized !== undefined && typeof rejectUnauthorized !== 'boolean') {
    throw invalid('options.rejectUnauthorized: expected a boolean');
  }
  return {
    headers: options.headers,
    origin,
    ca,
    secureContext,
    rejectUnauthorized: rejectUnauthorized ?? true,
    servername,
    handshakeTimeoutMs: integerIn(
      'handshakeTimeoutMs',
      options.handshakeTimeoutMs,
      DEFAULT_HANDSHAKE_TIMEOUT_MS,
      MAX_TIMEOUT_MS,
    ),
    closeTimeoutMs: integerIn(
      'closeTimeoutMs',
      options.closeTimeoutMs,
      DEFAULT_CLOSE_TIMEOUT_MS,
      MAX_TIMEOUT_MS,
    ),
    maxMessageSize: integerIn(
      'maxMessageSize',
      options.maxMessageSize,
      DEFAULT_MAX_MESSAGE_SIZE,
      Number.MAX_SAFE_INTEGER,
    ),
    maxFragments: integerIn(
      'maxFragments',
      options.maxFragments,
      DEFAULT_MAX_FRAGMENTS,
      Number.MAX_SAFE_INTEGER,
    ),
    binaryType:
      options.binaryType === undefined
        ? DEFAULT_BINARY_TYPE
        : checkBinaryType(options.binaryType, 'options.binaryType'),
  };
}
