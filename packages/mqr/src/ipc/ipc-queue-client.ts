/**
 * The queues of a worker process in a multi-process server: every operation is a request to the
 * `IpcQueueHost` in the primary process (see ipc-protocol.ts), where the queues live, so that
 * services in different workers share them.
 *
 * - `post` and `tryReceive` reject with MqrError UNAVAILABLE when the primary does not answer
 *   within `timeoutMs` (it is gone, or hopelessly busy). A post that timed out may still have
 *   been made.
 * - A waiting `receive` has no time limit (waiting is its job). When its signal aborts it rejects
 *   with CANCELLED at once and the host is told; a message the host had handed out meanwhile comes
 *   back anyway and is returned to the head of its queue, so it is not lost. The same holds for a
 *   message answering a `tryReceive` that already timed out.
 */
import type { QueueBackend } from '../backend.js';
import { MqrError } from '../errors.js';
import { checkQueueName } from '../queue-name.js';
import {
  decodeBytes,
  encodeBytes,
  type IpcRequest,
  isMqrIpc,
  MQR_IPC_TYPE,
  parseReply,
} from './ipc-protocol.js';
import { cancelled, closed, closedWhileWaiting } from '../queue-failures.js';

export interface IpcQueueClientOptions {
  /** How long `post` and `tryReceive` wait for the primary's answer (default 10 s). */
  timeoutMs?: number;
}

export const DEFAULT_IPC_TIMEOUT_MS = 10_000;

interface Pending {
  readonly op: 'post' | 'try' | 'recv';
  readonly queue: string;
  resolve(bytes: Uint8Array | undefined): void;
  reject(error: MqrError): void;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class IpcQueueClient implements QueueBackend {
  readonly kind: string = 'in-server';
  private readonly timeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  /** `send` carries a message to the primary (`WorkerLink.send`); replies go to `handle`. */
  constructor(
    private readonly send: (message: object) => void,
    options: IpcQueueClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_IPC_TIMEOUT_MS;
  }

  async post(queue: string, message: Uint8Array): Promise<void> {
    await this.request('post', queue, encodeBytes(message), undefined);
  }

  receive(queue: string, signal?: AbortSignal): Promise<Uint8Array> {
    if (signal?.aborted) return Promise.reject(cancelled(queue));
    return this.request('recv', queue, undefined, signal) as Promise<Uint8Array>;
  }

  tryReceive(queue: string): Promise<Uint8Array | undefined> {
    return this.request('try', queue, undefined, undefined);
  }

  /**
   * A reply from the primary (`WorkerLink.onMessage`): true when it was an mqr message (handled),
   * false for any other message.
   */
  handle(message: unknown): boolean {
    if (!isMqrIpc(message)) return false;
    const reply = parseReply(message);
    if (reply === undefined) return true;
    const pending = this.pending.get(reply.id);
    if (pending === undefined) {
      // Its receive was cancelled, or its try timed out, after the host had taken the message.
      if (reply.op === 'message') {
        this.trySend({ type: MQR_IPC_TYPE, op: 'return', queue: reply.queue, data: reply.data });
      }
      return true;
    }
    this.settle(reply.id, pending);
    switch (reply.op) {
      case 'done':
      case 'empty':
        pending.resolve(undefined);
        break;
      case 'message':
        pending.resolve(decodeBytes(reply.data));
        break;
      case 'error':
        pending.reject(new MqrError(reply.code, reply.message));
        break;
    }
    return true;
  }

  /** Requests waiting for an answer (for tests and metrics). */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** Every request still waiting rejects with CLOSED; later calls too. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, pending] of [...this.pending]) {
      this.settle(id, pending);
      if (pending.op === 'recv') this.trySend({ type: MQR_IPC_TYPE, op: 'cancel', id });
      pending.reject(closedWhileWaiting(pending.queue));
    }
  }

  private request(
    op: Pending['op'],
    queue: string,
    data: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Uint8Array | undefined> {
    try {
      if (this.closed) throw closed();
      checkQueueName(queue);
    } catch (error) {
      return Promise.reject(error);
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        op,
        queue,
        resolve,
        reject,
        timer: undefined,
        signal,
        onAbort: undefined,
      };
      this.pending.set(id, pending);
      if (op === 'recv') {
        if (signal !== undefined) {
          pending.onAbort = () => {
            this.settle(id, pending);
            this.trySend({ type: MQR_IPC_TYPE, op: 'cancel', id });
            reject(cancelled(queue));
          };
          signal.addEventListener('abort', pending.onAbort, { once: true });
        }
      } else {
        pending.timer = setTimeout(() => {
          this.settle(id, pending);
          reject(
            new MqrError(
              'LAPPS_ERR_MQR_UNAVAILABLE',
              `no answer from the primary process within ${this.timeoutMs} ms (${op} on ${queue})`,
            ),
          );
        }, this.timeoutMs);
        pending.timer.unref();
      }
      const message: IpcRequest =
        op === 'post'
          ? { type: MQR_IPC_TYPE, op, id, queue, data: data ?? '' }
          : { type: MQR_IPC_TYPE, op, id, queue };
      try {
        this.send(message);
      } catch (error) {
        this.settle(id, pending);
        reject(
          new MqrError(
            'LAPPS_ERR_MQR_UNAVAILABLE',
            `cannot reach the primary process: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          ),
        );
      }
    });
  }

  /** No longer pending: its timer and abort listener go. */
  private settle(id: number, pending: Pending): void {
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (pending.onAbort !== undefined) {
      pending.signal?.removeEventListener('abort', pending.onAbort);
    }
  }

  /** A message that needs no answer; nothing to do if the channel is gone. */
  private trySend(message: IpcRequest): void {
    try {
      this.send(message);
    } catch {
      // The primary is gone, and with it the queues.
    }
  }
}
