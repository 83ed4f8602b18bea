/** Every failure of @lapps/mqr, by stable code. */
export type MqrErrorCode =
  /** The queue holds its capacity of messages: `post` fails until a receiver takes one. */
  | 'LAPPS_ERR_MQR_QUEUE_FULL'
  /** The message is larger than the limit per message. */
  | 'LAPPS_ERR_MQR_TOO_BIG'
  /** The backend cannot be reached (Redis down, the primary process gone): retried meanwhile. */
  | 'LAPPS_ERR_MQR_UNAVAILABLE'
  /** A waiting receive was cancelled (its instance stopped, or the caller's signal aborted). */
  | 'LAPPS_ERR_MQR_CANCELLED'
  /** The backend was closed. */
  | 'LAPPS_ERR_MQR_CLOSED'
  /** A bad queue name, value or option. */
  | 'LAPPS_ERR_MQR_INVALID_ARGUMENT';

/** The one error class of @lapps/mqr; `code` is stable, `message` says what and where. */
export class MqrError extends Error {
  override readonly name = 'MqrError';
  readonly code: MqrErrorCode;

  constructor(code: MqrErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
