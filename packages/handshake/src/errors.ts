/**
 * Every failure of this package, by stable code. The code is what callers switch on; the message
 * is for people and may change.
 */
export type HandshakeErrorCode =
  // Reading a head (request or response): RFC 9112 sections 2-5.
  | 'LAPPS_ERR_HEAD_TOO_LARGE'
  | 'LAPPS_ERR_TOO_MANY_HEADERS'
  | 'LAPPS_ERR_BAD_LINE_ENDING'
  | 'LAPPS_ERR_BAD_REQUEST_LINE'
  | 'LAPPS_ERR_BAD_STATUS_LINE'
  | 'LAPPS_ERR_BAD_VERSION'
  | 'LAPPS_ERR_BAD_HEADER_LINE'
  | 'LAPPS_ERR_OBS_FOLD'
  | 'LAPPS_ERR_BAD_HEADER_NAME'
  | 'LAPPS_ERR_BAD_HEADER_VALUE'
  | 'LAPPS_ERR_PARSER_FINISHED'
  // The opening handshake: RFC 6455 section 4.
  | 'LAPPS_ERR_METHOD_NOT_ALLOWED'
  | 'LAPPS_ERR_HTTP_1_1_REQUIRED'
  | 'LAPPS_ERR_BAD_HOST'
  | 'LAPPS_ERR_BAD_UPGRADE'
  | 'LAPPS_ERR_BAD_CONNECTION'
  | 'LAPPS_ERR_BAD_WS_VERSION'
  | 'LAPPS_ERR_BAD_KEY'
  | 'LAPPS_ERR_BAD_SUBPROTOCOL'
  | 'LAPPS_ERR_BAD_EXTENSIONS'
  // Client side: what the server answered.
  | 'LAPPS_ERR_UNEXPECTED_STATUS'
  | 'LAPPS_ERR_BAD_ACCEPT'
  // Our own callers' mistakes while building a request or response.
  | 'LAPPS_ERR_INVALID_HEADER'
  | 'LAPPS_ERR_INVALID_STATUS'
  | 'LAPPS_ERR_INVALID_ARGUMENT';

/**
 * The status a server answers for each code. Client-side failures and argument errors have no
 * status of their own (see {@link HandshakeError.status}).
 */
const DEFAULT_STATUS: Readonly<Record<HandshakeErrorCode, number>> = {
  LAPPS_ERR_HEAD_TOO_LARGE: 431,
  LAPPS_ERR_TOO_MANY_HEADERS: 431,
  LAPPS_ERR_BAD_LINE_ENDING: 400,
  LAPPS_ERR_BAD_REQUEST_LINE: 400,
  LAPPS_ERR_BAD_STATUS_LINE: 0,
  LAPPS_ERR_BAD_VERSION: 505,
  LAPPS_ERR_BAD_HEADER_LINE: 400,
  LAPPS_ERR_OBS_FOLD: 400,
  LAPPS_ERR_BAD_HEADER_NAME: 400,
  LAPPS_ERR_BAD_HEADER_VALUE: 400,
  LAPPS_ERR_PARSER_FINISHED: 500,
  LAPPS_ERR_METHOD_NOT_ALLOWED: 405,
  LAPPS_ERR_HTTP_1_1_REQUIRED: 400,
  LAPPS_ERR_BAD_HOST: 400,
  LAPPS_ERR_BAD_UPGRADE: 400,
  LAPPS_ERR_BAD_CONNECTION: 400,
  LAPPS_ERR_BAD_WS_VERSION: 426,
  LAPPS_ERR_BAD_KEY: 400,
  LAPPS_ERR_BAD_SUBPROTOCOL: 400,
  LAPPS_ERR_BAD_EXTENSIONS: 400,
  LAPPS_ERR_UNEXPECTED_STATUS: 0,
  LAPPS_ERR_BAD_ACCEPT: 0,
  LAPPS_ERR_INVALID_HEADER: 500,
  LAPPS_ERR_INVALID_STATUS: 500,
  LAPPS_ERR_INVALID_ARGUMENT: 500,
};

/** A header to send with the error response, as `[name, value]`. */
export type HeaderPair = readonly [name: string, value: string];

export interface HandshakeErrorOptions {
  /** Overrides the code's default status (the client side passes the status it received, or 0). */
  status?: number;
  /** Headers the error response must carry, e.g. `Allow: GET` for 405. */
  headers?: readonly HeaderPair[];
}

/**
 * The one error class of `@lapps/handshake`.
 *
 * `status` means, on the server side, the HTTP status to answer with (`errorResponseFor` builds that
 * response). On the client side (`ResponseHeadParser`, `validateServerResponse`, `buildClientRequest`)
 * there is nothing to answer: `status` is then the status the server sent, or 0 when no status
 * line could be read. The caller's own mistakes (LAPPS_ERR_INVALID_HEADER, _INVALID_STATUS,
 * _INVALID_ARGUMENT, _PARSER_FINISHED) have 500 on both sides: nothing the peer did.
 */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  readonly code: HandshakeErrorCode;
  readonly status: number;
  readonly headers: readonly HeaderPair[];

  constructor(code: HandshakeErrorCode, message: string, options?: HandshakeErrorOptions) {
    super(message);
    this.code = code;
    this.status = options?.status ?? DEFAULT_STATUS[code];
    this.headers = options?.headers ?? [];
  }
}
