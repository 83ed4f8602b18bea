// @lapps/protocol: the LAppS protocol (CBOR messages modelled on JSON-RPC 2.0) and a small client.

// Message shapes and their constants
export {
  CONTROL_CHANNEL,
  InboundType,
  LAPPS_VERSION,
  ResponseStatus,
} from './message-types.js';
export type {
  ClientNotification,
  DecodedInbound,
  ErrorObject,
  ErrorResponse,
  InboundMessage,
  OutOfOrderMessage,
  Request,
  Response,
  ServerMessage,
  SuccessResponse,
} from './message-types.js';
export { isValidMethodName, methodNameProblem } from './method-name.js';

// Codec: server side, client side
export { encodeMessage } from './cbor.js';
export { classifyInbound, decodeInbound } from './inbound.js';
export {
  broadcastProblem,
  errorResponse,
  outOfOrderMessage,
  serverMessageProblem,
  successResponse,
  validateOutbound,
} from './outbound.js';
export { decodeServerMessage } from './server-message.js';

// Server side: the protocol of `protocol: "LAppS"` services (for @lapps/lua-bridge)
export { lappsServiceProtocol } from './service-protocol.js';
export type { CheckedInbound, ServiceInbound, ServiceProtocol } from './service-protocol.js';

// Client
export {
  CLOSE_PROTOCOL_ERROR,
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_NOTIFY_CHANNEL,
  LAppSClient,
} from './client.js';
export type { ClientClose, LAppSClientOptions, OutOfOrderHandler } from './client.js';
export type {
  CloseEventLike,
  ErrorEventLike,
  MessageEventLike,
  WebSocketConstructor,
  WebSocketLike,
} from './websocket-like.js';

// Errors and limits
export { JsonRpcErrorCode } from './error-codes.js';
export { LAppSError, ProtocolError } from './errors.js';
export type { ProtocolErrorCode } from './errors.js';
export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES } from './limits.js';
export type { ProtocolLimits } from './limits.js';
