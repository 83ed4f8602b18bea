/**
 * The primary process: forks the worker processes (`node:cluster`, which shares the listening
 * port among them), waits until each reports ready, restarts one that exits with a growing delay,
 * kills one whose event loop stops answering heartbeats, and shuts them all down gracefully.
 * Each worker has a stable index: a restarted worker gets its predecessor's, and with it the same
 * share of the service instances.
 *
 * `cluster.setupPrimary` is global to the process, so one process runs one Supervisor at a time.
 */
import cluster, { type Worker } from 'node:cluster';
import {
  type AppMessage,
  type ControlMessage,
  isAppMessage,
  isControl,
  WORKER_INDEX_ENV,
} from './control-messages.js';
import { RestartBackoff } from './restart-backoff.js';
import { SchedulerError } from './scheduler-error.js';
import {
  type ResolvedSupervisorOptions,
  resolveSupervisorOptions,
  type SupervisorOptions,
} from './supervisor-options.js';

export type { LogLevel, SupervisorLog, SupervisorOptions } from './supervisor-options.js';

/** One worker index: the process currently serving it (if any) and its restart history. */
interface Slot {
  readonly index: number;
  readonly backoff: RestartBackoff;
  worker: Worker | undefined;
  ready: boolean;
  startedAt: number;
  lastPong: number;
  /** What the worker last said it was doing (`WorkerLink.reportRunning`), for the stall log. */
  running: string | null;
  restartTimer: NodeJS.Timeout | undefined;
  /** A restarted worker's deadline for `ready` (start() has its own). */
  readyTimer: NodeJS.Timeout | undefined;
}

type ExitHandler = (index: number, code: number | null, signal: string | null) => void;
type OutputHandler = (index: number, stream: 'stdout' | 'stderr', chunk: string) => void;

export class Supervisor {
  private readonly options: ResolvedSupervisorOptions;
  private readonly slots: Slot[];
  private readonly messageHandlers: ((index: number, message: AppMessage) => void)[] = [];
  private readonly readyHandlers: ((index: number, pid: number) => void)[] = [];
  private readonly exitHandlers: ExitHandler[] = [];
  private readonly outputHandlers: OutputHandler[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  /** While start() runs: how a worker's readiness or failure settles it. */
  private starting: { ready(): void; fail(reason: string): void } | undefined;

  constructor(options: SupervisorOptions) {
    this.options = resolveSupervisorOptions(options);
    this.slots = Array.from({ length: this.options.workers }, (_, index) => ({
      index,
      backoff: new RestartBackoff(this.options.backoff),
      worker: undefined,
      ready: false,
      startedAt: 0,
      lastPong: 0,
      running: null,
      restartTimer: undefined,
      readyTimer: undefined,
    }));
  }

  /**
   * Forks every worker and resolves when all have sent `ready`. Rejects with
   * `LAPPS_ERR_SCHED_START` (after killing the others and waiting for them to exit) when one sends
   * `failed`, exits first, or not all are ready within `readyTimeoutMs`.
   */
  start(): Promise<void> {
    if (this.started) {
      return Promise.reject(
        new SchedulerError('LAPPS_ERR_SCHED_ARGUMENT', 'Supervisor.start() was already called'),
      );
    }
    this.started = true;
    const o = this.options;
    cluster.setupPrimary({ exec: o.exec, args: o.args, execArgv: o.execArgv, silent: o.silent });
    return new Promise((resolve, reject) => {
      let ready = 0;
      const timer = setTimeout(
        () => this.starting?.fail(`not every worker was ready within ${o.readyTimeoutMs} ms`),
        o.readyTimeoutMs,
      );
      this.starting = {
        ready: () => {
          if (++ready < this.slots.length) return;
          clearTimeout(timer);
          this.starting = undefined;
          this.startHeartbeat();
          resolve();
        },
        fail: (reason) => {
          clearTimeout(timer);
          this.starting = undefined;
          this.stopping = true;
          o.log('error', `workers failed to start: ${reason}`);
          // Reject only once every process is gone: the caller may exit right after.
          void this.killAll().then(() =>
            reject(new SchedulerError('LAPPS_ERR_SCHED_START', reason)),
          );
        },
      };
      for (const slot of this.slots) this.fork(slot);
    });
  }

  private fork(slot: Slot): void {
    slot.restartTimer = undefined;
    const worker = cluster.fork({
      ...this.options.env(slot.index),
      [WORKER_INDEX_ENV]: String(slot.index),
    });
    slot.worker = worker;
    slot.ready = false;
    slot.running = null;
    slot.startedAt = Date.now();
    slot.lastPong = slot.startedAt;
    if (this.starting === undefined) {
      // Heartbeats only watch ready workers: without this, a restart that hangs while starting
      // would leave its index unserved for good.
      slot.readyTimer = setTimeout(() => {
        if (slot.worker !== worker || slot.ready) return;
        this.options.log(
          'error',
          `worker ${slot.index} was not ready within ${this.options.readyTimeoutMs} ms; killing it`,
          { worker: slot.index, workerPid: worker.process.pid },
        );
        worker.process.kill('SIGKILL');
      }, this.options.readyTimeoutMs);
    }
    worker.on('message', (message: unknown) => this.onWorkerMessage(slot, worker, message));
    worker.on('exit', (code: number | null, signal: string | null) =>
      this.onExit(slot, worker, code, signal),
    );
    // An IPC error (the worker died mid-send) is followed by 'exit', which handles it.
    worker.on('error', () => {});
    if (this.options.silent) {
      // Always drained: a pipe nobody reads would block the worker once it fills.
      for (const stream of ['stdout', 'stderr'] as const) {
        const readable = worker.process[stream];
        readable?.setEncoding('utf8');
        readable?.on('data', (chunk: string) => {
          for (const handler of this.outputHandlers) handler(slot.index, stream, chunk);
        });
      }
    }
  }

  private onWorkerMessage(slot: Slot, worker: Worker, message: unknown): void {
    if (slot.worker !== worker) return;
    if (!isControl(message)) {
      if (isAppMessage(message)) {
        for (const handler of this.messageHandlers) handler(slot.index, message);
      }
      return;
    }
    switch (message.lapps) {
      case 'pong':
        slot.lastPong = Date.now();
        break;
      case 'running':
        slot.running = typeof message.running === 'string' ? message.running : null;
        break;
      case 'ready': {
        if (slot.ready) break;
        clearTimeout(slot.readyTimer);
        slot.ready = true;
        slot.lastPong = Date.now();
        const pid = worker.process.pid ?? 0;
        this.options.log('info', `worker ${slot.index} ready (pid ${pid})`, {
          worker: slot.index,
          workerPid: pid,
        });
        for (const handler of this.readyHandlers) handler(slot.index, pid);
        this.starting?.ready();
        break;
      }
      case 'failed':
        if (this.starting !== undefined) {
          this.starting.fail(`worker ${slot.index}: ${message.reason}`);
        } else {
          // A restarted worker that cannot start exits next; its restart backs off.
          this.options.log('error', `worker ${slot.index} failed to start: ${message.reason}`, {
            worker: slot.index,
          });
        }
        break;
      default:
        break;
    }
  }

  private onExit(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.ready = false;
    clearTimeout(slot.readyTimer);
    for (const handler of this.exitHandlers) handler(slot.index, code, signal);
    if (this.stopping) return;
    const how = signal === null ? `code ${code}` : `signal ${signal}`;
    if (this.starting !== undefined) {
      this.starting.fail(`worker ${slot.index} exited (${how}) before it was ready`);
      return;
    }
    const delay = slot.backoff.delayAfter(Date.now() - slot.startedAt);
    this.options.log('warn', `worker ${slot.index} exited (${how}); restarting in ${delay} ms`, {
      worker: slot.index,
      code,
      signal,
      delayMs: delay,
    });
    slot.restartTimer = setTimeout(() => {
      if (!this.stopping) this.fork(slot);
    }, delay);
  }

  private startHeartbeat(): void {
    const { heartbeatIntervalMs, heartbeatTimeoutMs, log } = this.options;
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      for (const slot of this.slots) {
        const worker = slot.worker;
        // A worker still starting is covered by its own start-up, not by heartbeats.
        if (worker === undefined || !slot.ready) continue;
        const silentMs = now - slot.lastPong;
        if (silentMs > heartbeatTimeoutMs) {
          const running = slot.running === null ? '' : ` (running: ${slot.running})`;
          log(
            'error',
            `worker ${slot.index} stalled: no heartbeat for ${silentMs} ms; killing it${running}`,
            {
              worker: slot.index,
              workerPid: worker.process.pid,
              running: slot.running,
            },
          );
          slot.ready = false;
          worker.process.kill('SIGKILL');
        } else if (worker.isConnected()) {
          worker.send({ lapps: 'ping' } satisfies ControlMessage);
        }
      }
    }, heartbeatIntervalMs);
    // The workers keep the primary alive; the heartbeat alone must not.
    this.heartbeatTimer.unref();
  }

  /** Application messages from the workers (anything with a string `type`, never `lapps`). */
  onMessage(handler: (index: number, message: AppMessage) => void): void {
    this.messageHandlers.push(handler);
  }

  /** Called each time a worker (first start or restart) sends `ready`. */
  onWorkerReady(handler: (index: number, pid: number) => void): void {
    this.readyHandlers.push(handler);
  }

  /** Called each time a worker process exits, whatever the reason. */
  onWorkerExit(handler: ExitHandler): void {
    this.exitHandlers.push(handler);
  }

  /** The workers' stdout and stderr, with `silent: true` only (otherwise they share ours). */
  onWorkerOutput(handler: OutputHandler): void {
    this.outputHandlers.push(handler);
  }

  /** An application message to every live worker (`WorkerLink.onMessage`; `{type:'reload'}`
   * goes to `WorkerLink.onReload`). */
  broadcast(message: AppMessage): void {
    for (const slot of this.slots) if (slot.worker?.isConnected()) slot.worker.send(message);
  }

  /**
   * An application message to worker `index` alone (`WorkerLink.onMessage`). False when no
   * process of that index is connected (it exited, or is being restarted): nothing was sent.
   * True means the message was handed to the IPC channel (Node queues it when the channel is
   * busy), not that the worker has read it.
   */
  send(index: number, message: AppMessage): boolean {
    const worker = this.slots[index]?.worker;
    if (worker === undefined || !worker.isConnected()) return false;
    worker.send(message);
    return true;
  }

  /** Asks every live worker to reload (its `onReload` handlers: TLS certificates, on SIGHUP). */
  reload(): void {
    for (const slot of this.slots) {
      if (slot.worker?.isConnected()) {
        slot.worker.send({ lapps: 'reload' } satisfies ControlMessage);
      }
    }
  }

  /** The current pid of each worker index (0 while it restarts). */
  workerPids(): number[] {
    return this.slots.map((slot) => slot.worker?.process.pid ?? 0);
  }

  /**
   * Stops restarting, asks every worker to shut down (`WorkerLink.onShutdown`) and resolves once
   * all have exited; a worker still alive after `deadlineMs` is killed with SIGKILL.
   */
  async shutdown(deadlineMs: number): Promise<void> {
    this.stopping = true;
    this.starting?.fail('shut down while starting');
    clearInterval(this.heartbeatTimer);
    const exits: Promise<void>[] = [];
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
      const worker = slot.worker;
      if (worker === undefined) continue;
      exits.push(this.exitOf(worker));
      if (worker.isConnected()) worker.send({ lapps: 'shutdown' } satisfies ControlMessage);
      else worker.process.kill('SIGTERM');
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    const all = Promise.all(exits);
    if ((await Promise.race([all, deadline])) === 'late') {
      for (const slot of this.slots) {
        if (slot.worker === undefined) continue;
        this.options.log(
          'warn',
          `worker ${slot.index} did not stop in ${deadlineMs} ms: killing it`,
          {
            worker: slot.index,
          },
        );
        slot.worker.process.kill('SIGKILL');
      }
      await all;
    }
    clearTimeout(timer);
  }

  /** Kills every worker at once and resolves when all have exited (a failed start). */
  private killAll(): Promise<void> {
    const exits: Promise<void>[] = [];
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      const worker = slot.worker;
      if (worker === undefined) continue;
      exits.push(this.exitOf(worker));
      worker.process.kill('SIGKILL');
    }
    return Promise.all(exits).then(() => {});
  }

  private exitOf(worker: Worker): Promise<void> {
    // exitCode or signalCode is set once the process is gone, before or after 'exit' is emitted.
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) {
      return Promise.resolve();
    }
    return new Promise((resolve) => worker.once('exit', () => resolve()));
  }
}
