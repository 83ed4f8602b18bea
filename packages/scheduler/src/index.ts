// @lapps/scheduler: worker processes for LAppS (DESIGN section 4).

// ---- Placement and supervision ----
export { placeInstances } from './placement.js';
export type { PlacedInstance, Placement } from './placement.js';
export { Supervisor } from './supervisor.js';
export type { LogLevel, SupervisorLog, SupervisorOptions } from './supervisor.js';
export { WorkerLink } from './worker-link.js';
export { StallWatch } from './stall-watch.js';
export type { StallWatchOptions } from './stall-watch.js';
export { DEFAULT_BACKOFF, RestartBackoff } from './restart-backoff.js';
export type { BackoffOptions } from './restart-backoff.js';
export type { AppMessage } from './control-messages.js';
export { SchedulerError } from './scheduler-error.js';
export type { SchedulerErrorCode } from './scheduler-error.js';

// ---- The binary channel between workers ----
// The link between two workers over a Unix socket: what a worker uses.
export {
  type PeerCloseHandler,
  PeerLink,
  type PeerLinkOptions,
  PeerServer,
} from './peer-link.js';
export { MAX_SOCKET_PATH_BYTES, peerSocketPath } from './peer-socket-path.js';
// The frame format: types, the Open payload, and the codec under the link.
export {
  DEFAULT_MAX_PEER_PAYLOAD,
  encodePeerFrame,
  PEER_HEADER_SIZE,
  PeerFrameType,
  PeerOpcode,
} from './peer-frame.js';
export { decodePeerOpen, encodePeerOpen, type PeerOpen } from './peer-open.js';
export { PeerDecoder, type PeerDecoderOptions, type PeerFrameHandler } from './peer-decoder.js';
export { PeerEncoder, type PeerEncoderOptions, type PeerWritable } from './peer-encoder.js';
