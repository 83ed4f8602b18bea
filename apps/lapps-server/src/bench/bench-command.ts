/**
 * `lapps bench`: loads a WebSocket echo server from this process (or K load processes) and reports
 * round trips/s and latency. Progress goes to stderr once a second; the summary to stdout.
 */
import {
  BENCH_USAGE,
  type BenchOptions,
  BenchUsageError,
  parseBenchOptions,
} from './bench-options.js';
import { buildResult, formatSummary, progressLine } from './bench-report.js';
import type { EchoLoadOptions } from './echo-load.js';
import { LatencyHistogram } from './histogram.js';
import { LocalRunner, type LoadRunner, ProcessRunner } from './load-runner.js';
import { type CpuSplit, processTreeCpu, processTreeCpuUs } from './process-cpu.js';

export interface BenchIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Resolves when the user asks to stop early (Ctrl-C); default: SIGINT. */
  interrupted?: Promise<void>;
}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

/** Splits `total` into `parts` near-equal shares (the first ones get the remainder). */
function shares(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

function sleep(ms: number, stop: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
    stop,
  ]).finally(() => clearTimeout(timer));
}

function serverCpu(pid: number | undefined): CpuSplit | undefined {
  return pid === undefined ? undefined : processTreeCpu(pid);
}

export async function runBench(argv: string[], io: BenchIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(BENCH_USAGE);
    return EXIT_OK;
  }
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    io.stderr.write(`lapps bench: ${error.message}\n\n${BENCH_USAGE}`);
    return EXIT_USAGE;
  }
  if (options.serverPid !== undefined && processTreeCpuUs(options.serverPid) === undefined) {
    io.stderr.write(
      `lapps bench: --server-pid ${options.serverPid}: no such process in /proc\n\n${BENCH_USAGE}`,
    );
    return EXIT_USAGE;
  }

  let interrupted = false;
  let onSigint: (() => void) | undefined;
  const stop =
    io.interrupted ??
    new Promise<void>((resolve) => {
      onSigint = () => resolve();
      process.once('SIGINT', onSigint);
    });
  void stop.then(() => {
    interrupted = true;
  });

  const processes = Math.min(options.instances, options.connections);
  const runners: LoadRunner[] = shares(options.connections, processes).map((connections) => {
    const loadOptions: EchoLoadOptions = {
      url: options.url,
      connections,
      payload: options.payload,
      text: options.text,
      ca: options.ca,
      insecure: options.insecure,
      connectTimeoutMs: Math.round(options.connectTimeout * 1000),
    };
    return processes === 1 ? new LocalRunner(loadOptions) : new ProcessRunner(loadOptions);
  });

  try {
    const opening = await Promise.race([
      Promise.all(runners.map((r) => r.open())),
      stop.then(() => undefined),
    ]);
    if (opening === undefined) {
      io.stderr.write('lapps bench: interrupted while connecting\n');
      return EXIT_FAILURE;
    }
    const opened = opening.reduce((n, o) => n + o.opened, 0);
    const failed = opening.reduce((n, o) => n + o.failed, 0);
    const openErrors = [...new Set(opening.flatMap((o) => o.errors))];
    if (opened === 0) {
      io.stderr.write(
        `lapps bench: no connection to ${options.url} opened` +
          `${openErrors[0] === undefined ? '' : `: ${openErrors[0]}`}\n`,
      );
      return EXIT_FAILURE;
    }
    if (failed > 0) {
      io.stderr.write(
        `lapps bench: ${failed} of ${options.connections} connections failed` +
          `${openErrors[0] === undefined ? '' : ` (${openErrors[0]})`}; going on with ${opened}\n`,
      );
    }

    const live = io.stderr.isTTY === true;
    const show = (line: string) => io.stderr.write(live ? `\r${line}` : `${line}\n`);
    const sampleAll = (final: boolean) => Promise.all(runners.map((r) => r.sample(final)));
    const total = (samples: { roundTrips: number }[]) =>
      samples.reduce((n, s) => n + s.roundTrips, 0);

    // Warmup: load runs, progress shows, nothing is kept.
    let last = 0;
    let lastAt = performance.now();
    const warmupStart = lastAt;
    for (let t = 0; options.warmup - t > 0.02 && !interrupted; ) {
      await sleep(Math.min(1, options.warmup - t) * 1000, stop);
      const samples = await sampleAll(false);
      const now = performance.now();
      const count = total(samples);
      t = (now - warmupStart) / 1000;
      show(
        progressLine(
          'warmup',
          t,
          ((count - last) * 1000) / (now - lastAt),
          (count * 1000) / (now - warmupStart),
          0,
        ),
      );
      last = count;
      lastAt = now;
    }

    await Promise.all(runners.map((r) => r.reset()));
    const serverCpuAtStart = serverCpu(options.serverPid);
    const start = performance.now();
    last = 0;
    lastAt = start;
    let elapsed = 0;
    // 20 ms of slack: timers fire late, and a 10 ms remainder is not worth another line.
    while (options.duration - elapsed > 0.02 && !interrupted) {
      await sleep(Math.min(1, options.duration - elapsed) * 1000, stop);
      const samples = await sampleAll(false);
      const now = performance.now();
      const count = total(samples);
      elapsed = (now - start) / 1000;
      const problems = samples.reduce((n, s) => n + s.lost + s.mismatches, 0);
      show(
        progressLine(
          'measuring',
          elapsed,
          ((count - last) * 1000) / (now - lastAt),
          count / elapsed,
          problems,
        ),
      );
      last = count;
      lastAt = now;
    }
    const finals = await sampleAll(true);
    const seconds = (performance.now() - start) / 1000;
    const serverCpuAtEnd = serverCpu(options.serverPid);
    if (live) io.stderr.write('\n');

    const histogram = new LatencyHistogram();
    for (const s of finals)
      if (s.histogram) histogram.addSparse(s.histogram.pairs, s.histogram.max);
    const sum = (key: 'roundTrips' | 'lost' | 'mismatches' | 'cpuUs') =>
      finals.reduce((n, s) => n + s[key], 0);
    const errors = [...new Set([...openErrors, ...finals.flatMap((s) => s.errors)])].slice(0, 5);
    const result = buildResult(
      options,
      {
        opened,
        failed,
        roundTrips: sum('roundTrips'),
        lost: sum('lost'),
        mismatches: sum('mismatches'),
      },
      histogram,
      seconds,
      sum('cpuUs'),
      serverCpuAtStart === undefined || serverCpuAtEnd === undefined
        ? undefined
        : {
            userUs: serverCpuAtEnd.userUs - serverCpuAtStart.userUs,
            systemUs: serverCpuAtEnd.systemUs - serverCpuAtStart.systemUs,
          },
      errors,
      interrupted,
    );
    await Promise.all(runners.map((r) => r.stop()));
    io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : formatSummary(result));
    // Echoes that are not what was sent: this is not an echo server, the figures mean nothing.
    return result.mismatchedEchoes > 0 ? EXIT_FAILURE : EXIT_OK;
  } catch (error) {
    for (const runner of runners) runner.kill();
    io.stderr.write(`lapps bench: ${(error as Error).message}\n`);
    return EXIT_FAILURE;
  } finally {
    if (onSigint !== undefined) process.off('SIGINT', onSigint);
  }
}
