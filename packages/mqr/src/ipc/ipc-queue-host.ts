/**
 * The primary process's side of the in-server queues: the queues live in one `LocalQueues` here,
 * and every worker's `IpcQueueClient` reaches them through requests over the cluster IPC channel
 * (see ipc-protocol.ts). Requests of all workers go through the one store in the order they
 * arrive, so a queue stays FIFO, each message goes to exactly one receiver, and waiting receivers
 * (in any worker) are served in the order they started waiting.
 *
 * A message the store handed to a receive that can no longer take it (cancelled, its worker gone,
 * or the reply could not be sent) goes back to the head of its queue.
 */
import { MqrError } from '../errors.js';
import type { LocalQueues } from '../local-queues.js';
import {
  decodeBytes,
  encodeBytes,
  type IpcReply,
  isId,
  isMqrIpc,
  MQR_IPC_TYPE,
  parseRequest,
} from './ipc-protocol.js';

/**
 * Sends a reply to the worker that made the request. May return false when the message cannot
 * be sent (the worker is not connected): a message it carried is then put back in its queue.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a plain `(message) => void` sender is fine too.
export type IpcReplyFunction = (message: object) => boolean | void;

export class IpcQueueHost {
  /** The waiting receives, per worker and request id. */
  private readonly waiting = new Map<number, Map<number, AbortController>>();

  constructor(private readonly store: LocalQueues) {}

  /**
   * Handles `message` from worker `worker` when it is an mqr request (then returns true; false
   * for any other message). A malformed request with an id gets an INVALID_ARGUMENT error.
   */
  handle(worker: number, message: unknown, reply: IpcReplyFunction): boolean {
    if (!isMqrIpc(message)) return false;
    const request = parseRequest(message);
    if (request === undefined) {
      const id = (message as { id?: unknown }).id;
      if (isId(id)) {
        reply(
          errorReply(
            id,
            new MqrError('LAPPS_ERR_MQR_INVALID_ARGUMENT', 'malformed mqr request over IPC'),
          ),
        );
      }
      return true;
    }
    switch (request.op) {
      case 'post':
        try {
          this.store.post(request.queue, decodeBytes(request.data));
          reply({ type: MQR_IPC_TYPE, op: 'done', id: request.id } satisfies IpcReply);
        } catch (error) {
          reply(errorReply(request.id, error));
        }
        break;
      case 'try': {
        let bytes: Uint8Array | undefined;
        try {
          bytes = this.store.tryReceive(request.queue);
        } catch (error) {
          reply(errorReply(request.id, error));
          break;
        }
        if (bytes === undefined) {
          reply({ type: MQR_IPC_TYPE, op: 'empty', id: request.id } satisfies IpcReply);
        } else if (reply(messageReply(request.id, request.queue, bytes)) === false) {
          this.putBack(request.queue, bytes);
        }
        break;
      }
      case 'recv':
        this.receive(worker, request.id, request.queue, reply);
        break;
      case 'cancel': {
        const mine = this.waiting.get(worker);
        const controller = mine?.get(request.id);
        if (controller !== undefined) {
          mine!.delete(request.id);
          controller.abort();
        }
        break;
      }
      case 'return':
        this.putBack(request.queue, decodeBytes(request.data));
        break;
    }
    return true;
  }

  /** Worker `worker` exited: its waiting receives are cancelled (no message goes to them). */
  forgetWorker(worker: number): void {
    const mine = this.waiting.get(worker);
    if (mine === undefined) return;
    this.waiting.delete(worker);
    for (const controller of mine.values()) controller.abort();
  }

  /** Receives waiting in the store for worker `worker` (for tests and metrics). */
  waitingReceives(worker: number): number {
    return this.waiting.get(worker)?.size ?? 0;
  }

  private receive(worker: number, id: number, queue: string, reply: IpcReplyFunction): void {
    let mine = this.waiting.get(worker);
    if (mine === undefined) {
      mine = new Map();
      this.waiting.set(worker, mine);
    }
    if (mine.has(id)) {
      reply(
        errorReply(
          id,
          new MqrError('LAPPS_ERR_MQR_INVALID_ARGUMENT', `duplicate request id ${id}`),
        ),
      );
      return;
    }
    const controller = new AbortController();
    mine.set(id, controller);
    // Still waiting (not cancelled, its worker not forgotten): then, and only then, it is ours to
    // answer; whatever the store gives a receive that is no longer waiting goes back.
    const take = (): boolean => {
      const current = this.waiting.get(worker);
      if (current?.get(id) !== controller) return false;
      current.delete(id);
      if (current.size === 0) this.waiting.delete(worker);
      return true;
    };
    this.store.receive(queue, controller.signal).then(
      (bytes) => {
        if (!take() || reply(messageReply(id, queue, bytes)) === false) this.putBack(queue, bytes);
      },
      (error: unknown) => {
        if (take()) reply(errorReply(id, error));
      },
    );
  }

  private putBack(queue: string, bytes: Uint8Array): void {
    try {
      this.store.returnToHead(queue, bytes);
    } catch {
      // The store is closed (the server is stopping): there is no queue to put it back into.
    }
  }
}

function messageReply(id: number, queue: string, bytes: Uint8Array): IpcReply {
  return { type: MQR_IPC_TYPE, op: 'message', id, queue, data: encodeBytes(bytes) };
}

function errorReply(id: number, error: unknown): IpcReply {
  if (error instanceof MqrError) {
    return { type: MQR_IPC_TYPE, op: 'error', id, code: error.code, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { type: MQR_IPC_TYPE, op: 'error', id, code: 'LAPPS_ERR_MQR_UNAVAILABLE', message };
}
