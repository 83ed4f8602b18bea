import { JsonRpcErrorCode } from './error-codes.js';
import type { ErrorObject } from './message-types.js';

/**
 * Every failure of this package, by stable code. The code is what callers switch on; the message
 * is for people and may change.
 */
export type ProtocolErrorCode =
  /** Not CBOR, or a text frame where LAppS needs binary: JSON-RPC -32700. */
  | 'LAPPS_ERR_PROTO_DECODE'
  /** CBOR, but not a valid LAppS message (or a value this side must not send): -32600. */
  | 'LAPPS_ERR_PROTO_INVALID'
  /** Larger or more deeply nested than the limits allow: -32600. */
  | 'LAPPS_ERR_PROTO_LIMIT'
  /** The connection closed (or never opened) before the call was answered. */
  | 'LAPPS_ERR_PROTO_CLOSED'
  /** No response within the call's timeout. */
  | 'LAPPS_ERR_PROTO_TIMEOUT'
  /** The caller's own mistake: a bad method name or channel, no WebSocket constructor. */
  | 'LAPPS_ERR_PROTO_ARGUMENT';

/** The JSON-RPC code a server answers with for each failure. */
const RPC_CODE: Readonly<Record<ProtocolErrorCode, number>> = {
  LAPPS_ERR_PROTO_DECODE: JsonRpcErrorCode.ParseError,
  LAPPS_ERR_PROTO_INVALID: JsonRpcErrorCode.InvalidRequest,
  LAPPS_ERR_PROTO_LIMIT: JsonRpcErrorCode.InvalidRequest,
  // Client-side failures: there is no peer to answer, so "internal error" stands in.
  LAPPS_ERR_PROTO_CLOSED: JsonRpcErrorCode.InternalError,
  LAPPS_ERR_PROTO_TIMEOUT: JsonRpcErrorCode.InternalError,
  LAPPS_ERR_PROTO_ARGUMENT: JsonRpcErrorCode.InternalError,
};

/*
 * Two classes, on purpose. `ProtocolError` is this package's one error class: something went
 * wrong (bad bytes, a closed socket, a timeout) and `code` says what. `LAppSError` is not a failure
 * of the package at all: it is the error object a service chose to answer with, carried by the
 * protocol like a result. A caller handles them differently (retry or report a broken connection
 * vs. show the application's message), and `LAppSError.code` is a JSON-RPC number chosen by the
 * peer, while `ProtocolError.code` is our stable string. Folding one into the other would make
 * `code` mean two things.
 */

/** The one error class of `@lapps/protocol`; `rpcCode` is the JSON-RPC code to answer with. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  readonly rpcCode: number;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.rpcCode = RPC_CODE[code];
  }

  /** The `error` member of the response a server sends for this failure. */
  toErrorObject(): ErrorObject {
    return { code: this.rpcCode, message: this.message };
  }
}

/**
 * An error carried by the protocol: what a service answered in `{cid: 0, status: 0, error}`.
 * `LAppSClient.call` rejects with it; a TypeScript service may throw it to choose its answer.
 */
export class LAppSError extends Error {
  override readonly name = 'LAppSError';
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }

  /** The `error` member of an error response (`data` only when present). */
  toErrorObject(): ErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}
