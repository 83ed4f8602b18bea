// @lapps/tls-transport: sockets for LAppS, plain or TLS. Knows nothing of WebSocket or HTTP.

// Network ACL
export { createAcl } from './acl.js';
export type { Acl, AclOptions } from './acl.js';

// TLS material and versions
export { loadServerTls } from './server-tls.js';
export type { ServerTlsOptions, TlsFiles } from './server-tls.js';
export { tlsMinVersion } from './tls-version.js';
export type { TlsMinVersion } from './tls-version.js';

// Listening
export { Listener } from './listener.js';
export type { ListenerAddress } from './listener.js';
export { DEFAULT_HANDSHAKE_TIMEOUT_MS } from './listener-options.js';
export type { ListenerOptions } from './listener-options.js';
export type { AcceptedConnection } from './accepted-connection.js';
export type { RejectReason } from './connection-limits.js';
export type { TransportEvent } from './transport-event.js';

// Reading into one shared buffer (accepted and client sockets)
export { canReadInPlace, readInPlace, sharedOnRead } from './read-in-place.js';
export type { ReadCallback, ReadInPlaceOptions } from './read-in-place.js';
export { InputBatch } from './input-batch.js';
export type { InputSink } from './input-batch.js';

// Client side
export { connect, DEFAULT_CONNECT_TIMEOUT_MS } from './connect.js';
export type { ConnectOptions } from './connect.js';

// Errors
export { TransportError } from './errors.js';
export type { TransportErrorCode } from './errors.js';
