/**
 * Queues in this process: the default backend of a one-process server, and the store behind
 * `IpcQueueHost` in the primary of a multi-process one. No IPC, no copies: a posted buffer is
 * handed to its receiver as it is.
 */
import type { QueueBackend } from './backend.js';
import type { MqrError } from './errors.js';
import { DEFAULT_CAPACITY, DEFAULT_MAX_MESSAGE_BYTES, type QueueLimits } from './limits.js';
import { checkQueueName } from './queue-name.js';
import {
  cancelled,
  checkMessageSize,
  closed,
  closedWhileWaiting,
  queueFull,
} from './queue-failures.js';

interface Waiter {
  resolve(message: Uint8Array): void;
  reject(error: MqrError): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A FIFO of messages, or of receivers waiting for one (never both at once). */
class Queue {
  /** Messages from `head` on; the array is compacted once half of it is consumed. */
  items: Uint8Array[] = [];
  head = 0;
  waiters: Waiter[] = [];

  get length(): number {
    return this.items.length - this.head;
  }

  shift(): Uint8Array | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = EMPTY;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  unshift(item: Uint8Array): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }
}

const EMPTY = new Uint8Array(0);

export class LocalQueues implements QueueBackend {
  readonly kind: string = 'in-process';
  private readonly queues = new Map<string, Queue>();
  private readonly capacity: number;
  private readonly maxMessageBytes: number;
  private closed = false;

  constructor(limits: QueueLimits = {}) {
    this.capacity = limits.capacity ?? DEFAULT_CAPACITY;
    this.maxMessageBytes = limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  post(queue: string, message: Uint8Array): void {
    this.checkOpen();
    checkQueueName(queue);
    checkMessageSize(message, this.maxMessageBytes);
    const q = this.queueOf(queue);
    if (handToWaiter(q, message)) return;
    if (q.length >= this.capacity) {
      throw queueFull(queue, this.capacity);
    }
    q.items.push(message);
  }

  /**
   * Puts `message` back at the head of `queue` (or hands it to the receiver waiting longest): a
   * message that was taken but could not be delivered (its receive was cancelled meanwhile, in
   * another process). It was already admitted once, so neither the capacity nor the size limit
   * applies. Throws MqrError CLOSED or INVALID_ARGUMENT.
   */
  returnToHead(queue: string, message: Uint8Array): void {
    this.checkOpen();
    checkQueueName(queue);
    const q = this.queueOf(queue);
    if (handToWaiter(q, message)) return;
    q.unshift(message);
  }

  receive(queue: string, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      this.checkOpen();
      checkQueueName(queue);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(cancelled(queue));
    const q = this.queueOf(queue);
    const message = q.shift();
    if (message !== undefined) return Promise.resolve(message);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const at = q.waiters.indexOf(waiter);
          if (at >= 0) q.waiters.splice(at, 1);
          reject(cancelled(queue));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      q.waiters.push(waiter);
    });
  }

  tryReceive(queue: string): Uint8Array | undefined {
    this.checkOpen();
    checkQueueName(queue);
    return this.queues.get(queue)?.shift();
  }

  /** Messages waiting in `queue` (for tests and metrics). */
  size(queue: string): number {
    return this.queues.get(queue)?.length ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [name, q] of this.queues) {
      for (const waiter of q.waiters.splice(0)) {
        release(waiter);
        waiter.reject(closedWhileWaiting(name));
      }
    }
    this.queues.clear();
  }

  private queueOf(name: string): Queue {
    let q = this.queues.get(name);
    if (q === undefined) {
      q = new Queue();
      this.queues.set(name, q);
    }
    return q;
  }

  private checkOpen(): void {
    if (this.closed) throw closed();
  }
}

function release(waiter: Waiter): void {
  if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
}

/** Gives `message` to the receiver of `q` waiting longest; false when none waits. */
function handToWaiter(q: Queue, message: Uint8Array): boolean {
  const waiter = q.waiters.shift();
  if (waiter === undefined) return false;
  release(waiter);
  waiter.resolve(message);
  return true;
}
