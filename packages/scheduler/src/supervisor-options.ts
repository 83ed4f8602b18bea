/**
 * What a Supervisor is told, and the defaults it fills in. Checked once, in the constructor, so
 * that a bad number fails where it is written rather than as a worker that never restarts.
 */
import { isAbsolute } from 'node:path';
import type { BackoffOptions } from './restart-backoff.js';
import { DEFAULT_BACKOFF } from './restart-backoff.js';
import { SchedulerError } from './scheduler-error.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type SupervisorLog = (
  level: LogLevel,
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface SupervisorOptions {
  /** How many worker processes, each with a stable index 0..workers-1. */
  workers: number;
  /** The script every worker runs (absolute path); `args` its arguments. */
  exec: string;
  args?: string[];
  /** Node options for the workers (default: this process's, e.g. `--import tsx`). */
  execArgv?: string[];
  /** Extra environment for worker `index` (LAPPS_WORKER_INDEX is always set). */
  env?: (index: number) => Record<string, string>;
  /** Restart delays: `initialDelayMs` (250), doubling up to `maxDelayMs` (10 s), back to the
   * initial delay once a worker stayed up `stableAfterMs` (30 s). */
  restart?: { initialDelayMs?: number; maxDelayMs?: number; stableAfterMs?: number };
  /** The primary pings every `intervalMs` (1 s); a worker silent for `timeoutMs` (10 s) is killed. */
  heartbeat?: { intervalMs?: number; timeoutMs?: number };
  /** How long start() waits for every worker's `ready` (30 s). */
  readyTimeoutMs?: number;
  /** Pipe the workers' stdout/stderr to `onWorkerOutput` instead of sharing the primary's. */
  silent?: boolean;
  log: SupervisorLog;
}

export interface ResolvedSupervisorOptions {
  workers: number;
  exec: string;
  args: string[];
  execArgv: string[];
  env: (index: number) => Record<string, string>;
  backoff: BackoffOptions;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  readyTimeoutMs: number;
  silent: boolean;
  log: SupervisorLog;
}

function positive(name: string, value: number, integer = false): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new SchedulerError(
      'LAPPS_ERR_SCHED_ARGUMENT',
      `Supervisor: ${name} must be ${integer ? 'an integer >= 1' : 'a number > 0'}, got ${value}`,
    );
  }
  return value;
}

export function resolveSupervisorOptions(o: SupervisorOptions): ResolvedSupervisorOptions {
  if (typeof o.exec !== 'string' || !isAbsolute(o.exec)) {
    throw new SchedulerError(
      'LAPPS_ERR_SCHED_ARGUMENT',
      `Supervisor: exec must be an absolute path, got ${JSON.stringify(o.exec)}`,
    );
  }
  const initialMs = positive(
    'restart.initialDelayMs',
    o.restart?.initialDelayMs ?? DEFAULT_BACKOFF.initialMs,
  );
  const maxMs = positive('restart.maxDelayMs', o.restart?.maxDelayMs ?? DEFAULT_BACKOFF.maxMs);
  return {
    workers: positive('workers', o.workers, true),
    exec: o.exec,
    args: o.args ?? [],
    execArgv: o.execArgv ?? process.execArgv,
    env: o.env ?? (() => ({})),
    backoff: {
      initialMs,
      maxMs: Math.max(initialMs, maxMs),
      stableAfterMs: positive(
        'restart.stableAfterMs',
        o.restart?.stableAfterMs ?? DEFAULT_BACKOFF.stableAfterMs,
      ),
    },
    heartbeatIntervalMs: positive('heartbeat.intervalMs', o.heartbeat?.intervalMs ?? 1000),
    heartbeatTimeoutMs: positive('heartbeat.timeoutMs', o.heartbeat?.timeoutMs ?? 10_000),
    readyTimeoutMs: positive('readyTimeoutMs', o.readyTimeoutMs ?? 30_000),
    silent: o.silent ?? false,
    log: o.log,
  };
}
