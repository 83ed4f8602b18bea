/**
 * The TypeScript API of the queues: the same queues the Lua module `mqr` uses, over any backend.
 * @example
 * const queues = new MessageQueues(new LocalQueues());
 * const jobs = queues.queue('jobs');
 * await jobs.post({ id: 1 });
 * const job = await jobs.receive(); // { id: 1 }
 */
import type { QueueBackend } from './backend.js';
import { checkQueueName } from './queue-name.js';
import { decodeValue, encodeValue } from './value-codec.js';

export class MessageQueues {
  constructor(readonly backend: QueueBackend) {}

  /** The queue called `name` (the same name is the same queue everywhere the backend reaches). */
  queue(name: string): QueueHandle {
    checkQueueName(name);
    return new QueueHandle(this.backend, name);
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

export class QueueHandle {
  constructor(
    private readonly backend: QueueBackend,
    readonly name: string,
  ) {}

  /** Posts a value (encoded as CBOR). Rejects with MqrError QUEUE_FULL, TOO_BIG, UNAVAILABLE. */
  async post(value: unknown): Promise<void> {
    await this.backend.post(this.name, encodeValue(value));
  }

  /** Waits for the next value; `signal` cancels the wait (MqrError CANCELLED). */
  async receive(signal?: AbortSignal): Promise<unknown> {
    return decodeValue(await this.backend.receive(this.name, signal));
  }

  /** The next value, or undefined when the queue is empty. */
  async tryReceive(): Promise<unknown> {
    const bytes = await this.backend.tryReceive(this.name);
    return bytes === undefined ? undefined : decodeValue(bytes);
  }

  /** Posts bytes as they are (received as bytes by `receiveBytes`, or by Lua as a string). */
  async postBytes(bytes: Uint8Array): Promise<void> {
    await this.backend.post(this.name, bytes);
  }

  receiveBytes(signal?: AbortSignal): Promise<Uint8Array> {
    return this.backend.receive(this.name, signal);
  }
}
