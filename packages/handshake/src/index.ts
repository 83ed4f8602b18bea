// @lapps/handshake: the WebSocket opening handshake (RFC 6455 section 4), bytes in and out.

// Reading request and response heads
export { RequestHeadParser } from './request-parser.js';
export type { RequestHead } from './request-parser.js';
export { ResponseHeadParser } from './response-parser.js';
export type { ResponseHead } from './response-parser.js';
export type { HeaderMap } from './header-block.js';
export type { HttpVersion } from './http-version.js';

// Server side: validate, choose, answer
export { validateUpgrade } from './upgrade.js';
export type { UpgradeOptions, UpgradeRequest } from './upgrade.js';
export { acceptKey } from './accept.js';
export { chooseSubprotocol, parseSubprotocols } from './subprotocol.js';
export { parseExtensions } from './extensions.js';
export type { ExtensionOffer } from './extensions.js';
export { buildAcceptResponse, buildErrorResponse, errorResponseFor } from './response.js';
export type { AcceptResponseOptions, ErrorResponseOptions } from './response.js';
export type { OutgoingHeaders } from './outgoing-headers.js';

// Client side
export { buildClientRequest, validateServerResponse } from './client.js';
export type {
  ClientRequest,
  ClientRequestOptions,
  ServerHandshake,
  ServerResponseExpectations,
} from './client.js';
export { generateKey, isValidKey } from './key.js';

// Errors and limits
export { HandshakeError } from './errors.js';
export type { HandshakeErrorCode, HandshakeErrorOptions, HeaderPair } from './errors.js';
export { DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_HEADERS } from './limits.js';
export type { HeadLimits } from './limits.js';
