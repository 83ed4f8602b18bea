/** What `lapps bench` prints: the progress line and the summary, for people and as JSON. */
import type { BenchOptions } from './bench-options.js';
import type { LatencyHistogram } from './histogram.js';

export interface BenchResult {
  url: string;
  connections: number;
  opened: number;
  failedConnections: number;
  payload: number;
  frames: 'binary' | 'text';
  instances: number;
  warmupSeconds: number;
  /** The measured window as it ran (shorter when interrupted). */
  seconds: number;
  roundTrips: number;
  roundTripsPerSecond: number;
  latencyMs: { p50?: number; p90?: number; p99?: number; max?: number };
  /** Connections that closed or failed during the run. */
  lostConnections: number;
  mismatchedEchoes: number;
  errors: string[];
  /** CPU of the load processes per round trip, and in % of one core. */
  loadCpuUsPerRoundTrip?: number;
  loadCpuPercent: number;
  /** With --server-pid: the server's CPU per round trip and in % of one core. */
  serverCpuUsPerRoundTrip?: number;
  serverCpuPercent?: number;
  /**
   * The same split: the server's own code (user) and the kernel's work for it (system: the
   * syscalls and the network stack), per round trip.
   */
  serverUserUsPerRoundTrip?: number;
  serverKernelUsPerRoundTrip?: number;
  interrupted: boolean;
}

const ms = (us: number | undefined) => (us === undefined ? undefined : us / 1000);

export function buildResult(
  options: BenchOptions,
  counts: { opened: number; failed: number; roundTrips: number; lost: number; mismatches: number },
  histogram: LatencyHistogram,
  seconds: number,
  cpuUs: number,
  serverCpu: { userUs: number; systemUs: number } | undefined,
  errors: string[],
  interrupted: boolean,
): BenchResult {
  return {
    url: options.url,
    connections: options.connections,
    opened: counts.opened,
    failedConnections: counts.failed,
    payload: options.payload,
    frames: options.text ? 'text' : 'binary',
    instances: options.instances,
    warmupSeconds: options.warmup,
    seconds,
    roundTrips: counts.roundTrips,
    roundTripsPerSecond: seconds > 0 ? counts.roundTrips / seconds : 0,
    latencyMs: {
      p50: ms(histogram.quantile(0.5)),
      p90: ms(histogram.quantile(0.9)),
      p99: ms(histogram.quantile(0.99)),
      max: ms(histogram.total > 0 ? histogram.max : undefined),
    },
    lostConnections: counts.lost,
    mismatchedEchoes: counts.mismatches,
    errors,
    ...(counts.roundTrips > 0 && { loadCpuUsPerRoundTrip: cpuUs / counts.roundTrips }),
    loadCpuPercent: seconds > 0 ? (100 * cpuUs) / (seconds * 1e6) : 0,
    ...(serverCpu !== undefined && {
      ...(counts.roundTrips > 0 && {
        serverCpuUsPerRoundTrip: (serverCpu.userUs + serverCpu.systemUs) / counts.roundTrips,
        serverUserUsPerRoundTrip: serverCpu.userUs / counts.roundTrips,
        serverKernelUsPerRoundTrip: serverCpu.systemUs / counts.roundTrips,
      }),
      serverCpuPercent:
        seconds > 0 ? (100 * (serverCpu.userUs + serverCpu.systemUs)) / (seconds * 1e6) : 0,
    }),
    interrupted,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number | undefined, digits: number) =>
  n === undefined ? '–' : n.toFixed(digits);

export function progressLine(
  phase: 'warmup' | 'measuring',
  elapsed: number,
  current: number,
  mean: number,
  problems: number,
): string {
  return (
    `${phase === 'warmup' ? 'warmup   ' : 'measuring'} ${elapsed.toFixed(1).padStart(6)} s` +
    ` | now ${int(current).padStart(9)} rt/s | mean ${int(mean).padStart(9)} rt/s` +
    ` | errors ${problems}`
  );
}

export function formatSummary(r: BenchResult): string {
  const lines = [
    `lapps bench: ${r.url}, ${r.opened}/${r.connections} connections, ${r.payload} B ${r.frames}, ` +
      `${r.seconds.toFixed(1)} s measured after ${r.warmupSeconds} s warmup, ` +
      `${r.instances} load ${r.instances === 1 ? 'process' : 'processes'}${r.interrupted ? ' (interrupted)' : ''}`,
    `  round trips/s   ${int(r.roundTripsPerSecond)}`,
    `  round trips     ${int(r.roundTrips)}`,
    `  latency         p50 ${fixed(r.latencyMs.p50, 3)} ms   p90 ${fixed(r.latencyMs.p90, 3)} ms   ` +
      `p99 ${fixed(r.latencyMs.p99, 3)} ms   max ${fixed(r.latencyMs.max, 3)} ms`,
    `  errors          ${r.failedConnections} failed to connect, ${r.lostConnections} lost, ` +
      `${r.mismatchedEchoes} wrong echoes`,
    `  load CPU        ${fixed(r.loadCpuUsPerRoundTrip, 2)} µs per round trip ` +
      `(${r.loadCpuPercent.toFixed(0)}% of one core)`,
  ];
  if (r.serverCpuPercent !== undefined) {
    lines.push(
      `  server CPU      ${fixed(r.serverCpuUsPerRoundTrip, 2)} µs per round trip ` +
        `(${fixed(r.serverUserUsPerRoundTrip, 2)} user + ${fixed(r.serverKernelUsPerRoundTrip, 2)} kernel; ` +
        `${r.serverCpuPercent.toFixed(0)}% of one core)`,
    );
  }
  for (const error of r.errors) lines.push(`  error: ${error}`);
  return `${lines.join('\n')}\n`;
}
