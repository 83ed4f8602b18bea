/**
 * What a listener reports for logging. The union is closed on purpose: the server switches over
 * `type` exhaustively, so a new kind of event is an API change.
 */
export type TransportEvent =
  /** The ACL refused a peer; its socket was destroyed at accept, before any read or TLS work. */
  | { type: 'acl-denied'; address: string }
  /** A connection did not reach `conn.ready()` (TLS handshake included) within the deadline. */
  | { type: 'handshake-timeout'; address: string }
  /** The TLS handshake failed (wrong version, not TLS, reset): the socket is gone. */
  | { type: 'tls-error'; address: string; error: Error }
  /** `reloadCertificates()` succeeded; new connections use the new certificate. */
  | { type: 'certificates-reloaded' }
  /**
   * A socket (or, with `address` the listening `host:port`, the listening socket itself) failed,
   * or an `onConnection`/`onReject` callback threw; the socket was destroyed, the listener goes on.
   */
  | { type: 'socket-error'; address: string; error: Error };
