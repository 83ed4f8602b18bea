/**
 * Every failure of this package, by stable code. The code is what callers switch on; the message
 * is for people (it names the file, key, address or entry at fault) and may change.
 */
export type TransportErrorCode =
  // Configuration read by the server: ACL entries and the TLS version number.
  | 'LAPPS_ERR_BAD_ACL'
  | 'LAPPS_ERR_BAD_TLS_VERSION'
  // Server TLS material (ws.json tls_certificates).
  | 'LAPPS_ERR_TLS_FILE'
  | 'LAPPS_ERR_TLS_PEM'
  | 'LAPPS_ERR_TLS_KEY_MISMATCH'
  | 'LAPPS_ERR_TLS_CONTEXT'
  // Listening.
  | 'LAPPS_ERR_ADDRESS_IN_USE'
  | 'LAPPS_ERR_LISTEN'
  // Client connections.
  | 'LAPPS_ERR_CONNECT'
  | 'LAPPS_ERR_CONNECT_TIMEOUT'
  | 'LAPPS_ERR_TLS_VERIFY'
  | 'LAPPS_ERR_TLS_HANDSHAKE'
  // Our own callers' mistakes (an option out of range, reloading a plain listener).
  | 'LAPPS_ERR_INVALID_ARGUMENT';

/** The one error class of `@lapps/tls-transport`; `cause` keeps the Node error underneath, if any. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
