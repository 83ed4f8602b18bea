/**
 * The interface every queue backend implements: in one process (`LocalQueues`), across the worker
 * processes of one server (`IpcQueueClient` in a worker, talking to `IpcQueueHost` in the primary)
 * and across servers (`RedisQueues`). Messages are bytes (the TypeScript API and the Lua module
 * carry values as CBOR). Each message goes to exactly one receiver; receivers compete; a queue is
 * FIFO; receivers waiting on an empty queue are served in the order they started waiting.
 */

/** A result that is there at once (in one process) or later (over IPC or Redis). */
export type MaybePromise<T> = T | Promise<T>;

export interface QueueBackend {
  /** For the log: 'in-process', 'in-server', 'redis'. */
  readonly kind: string;
  /**
   * Appends `message` to the queue's tail (the queue exists from its first use). Throws (or
   * rejects with) MqrError QUEUE_FULL, TOO_BIG, UNAVAILABLE or CLOSED. The caller gives up the
   * buffer: it must not change afterwards.
   */
  post(queue: string, message: Uint8Array): MaybePromise<void>;
  /**
   * Takes the message at the head, waiting for one when the queue is empty. Rejects with MqrError
   * CANCELLED when `signal` aborts first (then no message was taken), CLOSED when the backend
   * closes.
   */
  receive(queue: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** Takes the message at the head, or gives undefined when the queue is empty. */
  tryReceive(queue: string): MaybePromise<Uint8Array | undefined>;
  /** Stops: waiting receives reject with CLOSED. */
  close(): Promise<void>;
}
