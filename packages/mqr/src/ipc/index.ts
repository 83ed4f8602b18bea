// The in-server backend: queues in the primary process, reached by the workers over IPC.
export { IpcQueueClient, DEFAULT_IPC_TIMEOUT_MS } from './ipc-queue-client.js';
export type { IpcQueueClientOptions } from './ipc-queue-client.js';
export { IpcQueueHost } from './ipc-queue-host.js';
export type { IpcReplyFunction } from './ipc-queue-host.js';
export { MQR_IPC_TYPE, isMqrIpc } from './ipc-protocol.js';
export type { IpcReply, IpcRequest } from './ipc-protocol.js';
