// @lapps/cws: a WebSocket client for Node with the browser's API.

// The client
export { WebSocketClient } from './client.js';
export { ReadyState } from './ready-state.js';
export type { SendData } from './outgoing-data.js';

// Options
export type { ClientOptions } from './options.js';
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_FRAGMENTS,
  DEFAULT_MAX_MESSAGE_SIZE,
} from './options.js';
export type { BinaryType } from './binary-type.js';

// Events
export { CwsCloseEvent, CwsErrorEvent, CwsMessageEvent, CwsOpenEvent } from './events.js';
export type { CwsEventMap, CwsEventType, MessageData } from './events.js';
export type { Listener, ListenerOptions } from './event-listeners.js';

// URLs
export { parseWebSocketUrl } from './url.js';
export type { WebSocketTarget } from './url.js';

// Errors
export { CwsError } from './errors.js';
export type { CwsErrorCode, CwsErrorOptions } from './errors.js';
