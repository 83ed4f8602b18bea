/**
 * A watchdog thread inside a worker process, for the stall the primary's heartbeat can only see
 * as silence. fengari's count hook cuts runaway Lua loops between VM instructions, but not one
 * long JS-level operation inside a single instruction (a backtracking `string.find` pattern, a
 * huge `string.rep`): then the event loop is stuck and nothing on the main thread runs again, so
 * only another thread can notice, and only shared memory tells it what was running.
 *
 * The main thread bumps a heartbeat counter in a SharedArrayBuffer every `timeoutMs / 4`, and
 * records the entry (service instance) it is running around each call: `enter`/`leave` are one
 * Int32Array store each. When the counter stops for `timeoutMs`, the thread writes one
 * pino-compatible error line naming the entry to fd 1 and SIGKILLs the process, which its
 * Supervisor then restarts (the exit shows signal SIGKILL).
 */
import { Worker } from 'node:worker_threads';
import { SchedulerError } from './scheduler-error.js';
import {
  BEAT_CELL,
  CELL_COUNT,
  RUNNING_CELL,
  STALL_THREAD_SOURCE,
  type StallThreadData,
} from './stall-watch-thread.js';

export interface StallWatchOptions {
  /** How long the event loop may stay busy before the worker is killed. */
  timeoutMs: number;
  /** What `enter(i)` means, for the log: e.g. `echo#0`. */
  names: readonly string[];
  /** `kill` (default): log and SIGKILL this process. `log`: log once per stall only. */
  onStall?: 'kill' | 'log';
  /** The worker index, added to the log line. */
  worker?: number;
}

export class StallWatch {
  private readonly cells: Int32Array;
  private thread: Worker | undefined;
  private beat: NodeJS.Timeout | undefined;
  private online: Promise<void> = Promise.resolve();

  /** Shared memory only: `enter`/`leave` work at once; `start()` begins watching. */
  constructor(private readonly options: StallWatchOptions) {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new SchedulerError(
        'LAPPS_ERR_SCHED_ARGUMENT',
        `StallWatch: timeoutMs must be a number > 0, got ${options.timeoutMs}`,
      );
    }
    this.cells = new Int32Array(new SharedArrayBuffer(CELL_COUNT * 4));
  }

  /**
   * Starts watching at once.
   * @example const watch = StallWatch.start({ timeoutMs: 5000, names: ['echo#0'] });
   */
  static start(options: StallWatchOptions): StallWatch {
    return new StallWatch(options).start();
  }

  /** Starts the thread and the heartbeat: call it after start-up, which may legitimately be long. */
  start(): this {
    if (this.thread !== undefined) return this;
    const { timeoutMs, names, worker, onStall = 'kill' } = this.options;
    const workerData: StallThreadData = {
      shared: this.cells.buffer as SharedArrayBuffer,
      timeoutMs,
      pollMs: Math.max(10, Math.floor(timeoutMs / 10)),
      names: [...names],
      kill: onStall === 'kill',
      worker,
    };
    // No execArgv: the thread needs no loader (`--import tsx`) of the main thread's.
    this.thread = new Worker(STALL_THREAD_SOURCE, { eval: true, workerData, execArgv: [] });
    // Never what keeps the process alive: the watch exists only while something else does.
    this.thread.unref();
    const thread = this.thread;
    this.online = new Promise((resolve) => {
      thread.once('online', () => resolve());
      thread.once('exit', () => resolve());
    });
    this.beat = setInterval(
      () => Atomics.add(this.cells, BEAT_CELL, 1),
      Math.max(5, Math.floor(timeoutMs / 4)),
    );
    this.beat.unref();
    return this;
  }

  /** Resolves once the thread runs (a stall before that goes unnoticed): for tests, mostly. */
  whenWatching(): Promise<void> {
    const thread = this.thread;
    if (thread === undefined) return this.online;
    // An unref'd thread alone would let an otherwise idle process exit while we wait.
    thread.ref();
    return this.online.then(() => {
      if (this.thread === thread) thread.unref();
    });
  }

  /** Entry `names[index]` starts running on the main thread. */
  enter(index: number): void {
    this.cells[RUNNING_CELL] = index + 1;
  }

  /** The entry has returned (or yielded). */
  leave(): void {
    this.cells[RUNNING_CELL] = 0;
  }

  /** Ends the thread and the heartbeat. */
  stop(): void {
    clearInterval(this.beat);
    this.beat = undefined;
    void this.thread?.terminate();
    this.thread = undefined;
  }
}
