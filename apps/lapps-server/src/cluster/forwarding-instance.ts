/**
 * The instance a worker process puts in place of a service it does not run: each connection is
 * given to one worker that runs the service (round-robin), and its messages, in order, go there
 * over the peer channel. The answers come back through `PeerRouter` (Send and Close frames).
 */
import type { DataOpcode } from '@lapps/frame-codec';
import type { ServiceHost, ServiceInstance } from '../server/service.js';

/** What the forwarder needs of the router: frames to a worker, and a worker to use. */
export interface ForwardTarget {
  open(worker: number, handler: number, service: string): void;
  message(worker: number, handler: number, opcode: DataOpcode, payload: Uint8Array): void;
  disconnect(worker: number, handler: number): void;
}

export class ForwardingInstance implements ServiceInstance {
  /** handler → the worker serving it. */
  readonly connections = new Map<number, number>();
  private next = 0;

  constructor(
    readonly service: string,
    private readonly workers: readonly number[],
    private readonly target: ForwardTarget,
  ) {}

  onStart(_host: ServiceHost): void {}

  onMessage(handler: number, opcode: DataOpcode, payload: Uint8Array): boolean {
    let worker = this.connections.get(handler);
    if (worker === undefined) {
      // Opened lazily, with the first message: a connection that never speaks costs nothing.
      worker = this.workers[this.next]!;
      this.next = (this.next + 1) % this.workers.length;
      this.connections.set(handler, worker);
      this.target.open(worker, handler, this.service);
    }
    this.target.message(worker, handler, opcode, payload);
    return true;
  }

  onDisconnect(handler: number): void {
    const worker = this.connections.get(handler);
    if (worker === undefined) return;
    this.connections.delete(handler);
    this.target.disconnect(worker, handler);
  }

  onShutdown(): void {}

  /** The connections served by `worker` (it went away). */
  servedBy(worker: number): number[] {
    const handlers: number[] = [];
    for (const [handler, w] of this.connections) if (w === worker) handlers.push(handler);
    return handlers;
  }
}
