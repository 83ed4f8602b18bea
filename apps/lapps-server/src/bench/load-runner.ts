/**
 * One place the load runs: in this process, or in a forked load process. The bench command drives
 * every runner the same way.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EchoLoad, type EchoLoadOptions } from './echo-load.js';
import type { LoadAnswer, LoadRequest, LoadSample } from './load-protocol.js';

export interface LoadRunner {
  open(): Promise<{ opened: number; failed: number; errors: string[] }>;
  reset(): Promise<void>;
  /** Counters since the last reset; `final` adds the latency histogram. */
  sample(final: boolean): Promise<LoadSample>;
  stop(): Promise<void>;
  /** Ends the runner at once (Ctrl-C, failure): no close handshakes. */
  kill(): void;
}

export class LocalRunner implements LoadRunner {
  private readonly load: EchoLoad;

  constructor(options: EchoLoadOptions) {
    this.load = new EchoLoad(options);
  }

  async open() {
    const result = await this.load.open();
    return { ...result, errors: this.load.errors };
  }

  async reset() {
    this.load.resetWindow();
  }

  async sample(final: boolean): Promise<LoadSample> {
    const { histogram } = this.load;
    return {
      ...this.load.snapshot(),
      errors: this.load.errors,
      ...(final && { histogram: { pairs: histogram.toSparse(), max: histogram.max } }),
    };
  }

  stop() {
    return this.load.stop();
  }

  kill() {
    void this.load.stop(0);
  }
}

/** The worker's file: dist/bench-worker.js when built, src/bench/bench-worker.ts through tsx. */
function workerEntry(): { path: string; execArgv: string[] } {
  const built = fileURLToPath(new URL('./bench-worker.js', import.meta.url));
  if (existsSync(built)) return { path: built, execArgv: [] };
  return {
    path: fileURLToPath(new URL('./bench-worker.ts', import.meta.url)),
    execArgv: ['--import', 'tsx'],
  };
}

export class ProcessRunner implements LoadRunner {
  private readonly child: ChildProcess;
  private waiting: { type: LoadAnswer['type']; resolve: (a: LoadAnswer) => void } | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly options: EchoLoadOptions) {
    const entry = workerEntry();
    this.child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (answer: LoadAnswer) => {
      const waiting = this.waiting;
      if (waiting !== undefined && waiting.type === answer.type) {
        this.waiting = undefined;
        waiting.resolve(answer);
      }
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  private ask<T extends LoadAnswer['type']>(
    request: LoadRequest,
    type: T,
  ): Promise<Extract<LoadAnswer, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`a load process exited (${code}) before answering "${request.type}"`));
      this.child.once('exit', onExit);
      this.waiting = {
        type,
        resolve: (answer) => {
          this.child.off('exit', onExit);
          resolve(answer as Extract<LoadAnswer, { type: T }>);
        },
      };
      this.child.send(request);
    });
  }

  async open() {
    const answer = await this.ask({ type: 'open', options: this.options }, 'opened');
    return { opened: answer.opened, failed: answer.failed, errors: answer.errors };
  }

  async reset() {
    await this.ask({ type: 'reset' }, 'reset');
  }

  async sample(final: boolean) {
    if (final) return (await this.ask({ type: 'final' }, 'final')).sample;
    return (await this.ask({ type: 'sample' }, 'sample')).sample;
  }

  async stop() {
    await this.ask({ type: 'stop' }, 'stopped').catch(() => undefined);
    await this.exited;
  }

  kill() {
    this.child.kill('SIGKILL');
  }
}
