// @lapps/mqr: named message queues (competing receivers, FIFO) for LAppS, over pluggable backends.

// The backend interface and the backends
export type { MaybePromise, QueueBackend } from './backend.js';
export { LocalQueues } from './local-queues.js';

// Redis
export { RedisBroadcastRelay, RedisQueues, redactRedisUrl } from './redis/index.js';
export type { RedisBroadcastRelayOptions, RedisLog, RedisQueuesOptions } from './redis/index.js';

// Across worker processes
export {
  DEFAULT_IPC_TIMEOUT_MS,
  IpcQueueClient,
  IpcQueueHost,
  MQR_IPC_TYPE,
  isMqrIpc,
} from './ipc/index.js';
export type {
  IpcQueueClientOptions,
  IpcReply,
  IpcReplyFunction,
  IpcRequest,
} from './ipc/index.js';

// The TypeScript API
export { MessageQueues, QueueHandle } from './message-queues.js';
export { decodeValue, encodeValue } from './value-codec.js';

// Errors and limits
export { MqrError } from './errors.js';
export type { MqrErrorCode } from './errors.js';
export {
  DEFAULT_CAPACITY,
  DEFAULT_MAX_MESSAGE_BYTES,
  MAX_QUEUE_NAME_BYTES,
} from './limits.js';
export type { QueueLimits } from './limits.js';
export { checkQueueName } from './queue-name.js';
