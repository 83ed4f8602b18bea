/**
 * JSON-RPC 2.0 error codes (section 5.1), which LAppS error responses reuse: -32768..-32000 are
 * reserved with these meanings; anything else is the application's own (the original's examples
 * use 10 and 20).
 */
export const JsonRpcErrorCode = {
  /** The bytes are not CBOR. */
  ParseError: -32700,
  /** Valid CBOR, but not a valid request or notification. */
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** The first of the implementation-defined server errors; the original's examples use it for application errors. */
  ServerError: -32000,
} as const;
export type JsonRpcErrorCode = (typeof JsonRpcErrorCode)[keyof typeof JsonRpcErrorCode];
