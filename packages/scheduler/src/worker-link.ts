/**
 * A worker process's side of the supervision: it says when it is ready (or why it failed),
 * answers heartbeats from its main thread (so a stalled event loop stops answering, and the
 * primary notices), and runs the handlers for shutdown, reload and application messages.
 */
import cluster from 'node:cluster';
import {
  type AppMessage,
  type ControlMessage,
  isAppMessage,
  isControl,
  WORKER_INDEX_ENV,
} from './control-messages.js';

let current: WorkerLink | undefined;

export class WorkerLink {
  /** This worker's stable index, 0..workers-1: a restarted worker gets the same one back. */
  readonly index: number;
  private shutdownHandler: (() => Promise<void> | void) | undefined;
  private readonly reloadHandlers: (() => Promise<void> | void)[] = [];
  private readonly messageHandlers: ((message: AppMessage) => void)[] = [];
  private shuttingDown = false;

  private constructor(index: number) {
    this.index = index;
    process.on('message', (message: unknown) => this.receive(message));
  }

  /** This process's link, or undefined when it is not a worker started by a Supervisor. */
  static current(): WorkerLink | undefined {
    const index = Number(process.env[WORKER_INDEX_ENV]);
    if (!cluster.isWorker || process.send === undefined || !Number.isInteger(index)) {
      return undefined;
    }
    current ??= new WorkerLink(index);
    return current;
  }

  private control(message: ControlMessage): void {
    if (process.connected) process.send!(message);
  }

  private receive(message: unknown): void {
    if (!isControl(message)) {
      if (!isAppMessage(message)) return;
      // `broadcast({ type: 'reload' })` is the same request as `Supervisor.reload()`.
      if (message.type === 'reload') this.reload();
      else for (const handler of this.messageHandlers) handler(message);
      return;
    }
    if (message.lapps === 'ping') this.control({ lapps: 'pong' });
    else if (message.lapps === 'reload') this.reload();
    else if (message.lapps === 'shutdown') void this.shutdown();
  }

  private reload(): void {
    for (const handler of this.reloadHandlers) {
      // A failed reload is the handler's to report; it must not take the worker down.
      Promise.resolve()
        .then(handler)
        .catch((error: unknown) => {
          process.stderr.write(`worker ${this.index}: reload failed: ${String(error)}\n`);
        });
    }
  }

  private async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    try {
      await this.shutdownHandler?.();
    } catch (error) {
      process.stderr.write(`worker ${this.index}: shutdown failed: ${String(error)}\n`);
      process.exit(1);
    }
    process.exit(0);
  }

  /** Tells the primary this worker is serving; `Supervisor.start()` waits for every worker's. */
  ready(): void {
    this.control({ lapps: 'ready' });
  }

  /** Tells the primary this worker cannot start, and why (`start()` rejects with the reason). */
  failed(reason: string): void {
    this.control({ lapps: 'failed', reason });
  }

  /**
   * What this worker is busy with, coarsely (`loading services`, `shutting down`), named in the
   * primary's log if the worker then stops answering heartbeats. One IPC message per call, so not
   * per Lua call: for that, StallWatch's enter/leave are two stores into shared memory.
   */
  reportRunning(description: string | undefined): void {
    this.control({ lapps: 'running', running: description ?? null });
  }

  /** Runs on the primary's shutdown request; the process then exits 0 (1 if it throws). */
  onShutdown(handler: () => Promise<void> | void): void {
    this.shutdownHandler = handler;
  }

  /** Runs on `Supervisor.reload()` or `broadcast({ type: 'reload' })`. */
  onReload(handler: () => Promise<void> | void): void {
    this.reloadHandlers.push(handler);
  }

  /** Application messages from the primary (`Supervisor.broadcast`). */
  onMessage(handler: (message: AppMessage) => void): void {
    this.messageHandlers.push(handler);
  }

  /** An application message to the primary (`Supervisor.onMessage`). */
  send(message: AppMessage): void {
    if (process.connected) process.send!(message);
  }
}
