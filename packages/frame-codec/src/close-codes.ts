/**
 * Close status codes (RFC 6455 section 7.4 and the IANA "WebSocket Close Code Number" registry).
 */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** Reserved: reported locally when a close frame had no code; never sent. */
  NoStatusReceived: 1005,
  /** Reserved: reported locally when the connection dropped without a close frame; never sent. */
  AbnormalClosure: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  /** Reserved: TLS handshake failure, reported locally; never sent. */
  TlsHandshake: 1015,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether `code` may appear in a close frame on the wire: 1000-1003 and 1007-1014 (defined or
 * registered with IANA), and 3000-4999 (libraries, frameworks and applications). 1004 is reserved,
 * 1005, 1006 and 1015 are for local reporting only, and everything else is unassigned.
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}
