/**
 * Every failure of this package, by stable code. The code is what callers switch on; the message
 * is for people and may change. The first group is thrown by the constructor and methods (where a
 * browser throws a DOMException or TypeError); the second reaches the `error` event.
 */
export type CwsErrorCode =
  // Thrown synchronously: the caller's mistakes.
  /** The URL does not parse, has another scheme, a fragment or credentials (browser: SyntaxError). */
  | 'LAPPS_ERR_CWS_URL'
  /** A subprotocol is not an RFC 9110 token, or is offered twice (browser: SyntaxError). */
  | 'LAPPS_ERR_CWS_PROTOCOLS'
  /** An option (or a header, or `binaryType`) is unknown or has an invalid value (TypeError). */
  | 'LAPPS_ERR_CWS_OPTION'
  /** `send()` of something that is not a string, ArrayBuffer or ArrayBufferView (TypeError). */
  | 'LAPPS_ERR_CWS_DATA'
  /** `send()` while CONNECTING (browser: InvalidStateError). */
  | 'LAPPS_ERR_CWS_STATE'
  /** `close()` with a code other than 1000 or 3000-4999 (browser: InvalidAccessError). */
  | 'LAPPS_ERR_CWS_CLOSE_CODE'
  /** `close()` with a reason over 123 UTF-8 bytes (browser: SyntaxError). */
  | 'LAPPS_ERR_CWS_CLOSE_REASON'
  // Reported by the `error` event, always followed by `close`.
  /** TCP did not connect (refused, unreachable, DNS), or closed before the handshake. */
  | 'LAPPS_ERR_CWS_CONNECT'
  /** The server's certificate chain or host name did not verify. */
  | 'LAPPS_ERR_CWS_TLS_VERIFY'
  /** Any other TLS failure (no common version, an alert). */
  | 'LAPPS_ERR_CWS_TLS'
  /** The server's HTTP answer is not a valid WebSocket upgrade for our request (`status` is its). */
  | 'LAPPS_ERR_CWS_HANDSHAKE'
  /** TCP, TLS and the HTTP upgrade did not complete within `handshakeTimeoutMs`. */
  | 'LAPPS_ERR_CWS_HANDSHAKE_TIMEOUT'
  /** `close()` was called before the connection opened. */
  | 'LAPPS_ERR_CWS_ABORTED'
  /** The server broke RFC 6455 framing or a limit; `closeCode` is what the client sent it. */
  | 'LAPPS_ERR_CWS_PROTOCOL'
  /** The socket failed after the connection opened (reset, TLS alert). */
  | 'LAPPS_ERR_CWS_SOCKET';

export interface CwsErrorOptions {
  cause?: unknown;
  status?: number;
  closeCode?: number;
}

/**
 * The one error class of `@lapps/cws`. `cause` keeps the error underneath (a `TransportError`,
 * `HandshakeError` or `FrameError` of the other LAppS packages, or a Node error).
 */
export class CwsError extends Error {
  override readonly name = 'CwsError';
  readonly code: CwsErrorCode;
  /** For LAPPS_ERR_CWS_HANDSHAKE: the HTTP status the server answered (0 when none was read). */
  readonly status: number;
  /** For LAPPS_ERR_CWS_PROTOCOL: the close code sent to the server (1002, 1007, 1008, 1009). */
  readonly closeCode: number | undefined;

  constructor(code: CwsErrorCode, message: string, options?: CwsErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status ?? 0;
    this.closeCode = options?.closeCode;
  }
}
