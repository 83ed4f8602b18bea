/** The flags of `lapps bench`, checked: a bad value is a usage error naming the flag. */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** ws:// or wss:// (`--tls` turns ws:// into wss://). */
  url: string;
  connections: number;
  /** Bytes per message. */
  payload: number;
  /** Seconds measured, after the warmup. */
  duration: number;
  /** Seconds of load before the measured window (not counted). */
  warmup: number;
  /** Load processes; 1 runs the load in this process. */
  instances: number;
  /** PEM file of a CA to trust (wss://). */
  ca: string | undefined;
  /** wss:// without certificate verification (self-signed test servers). */
  insecure: boolean;
  /** Text frames instead of binary ones (the payload is ASCII either way). */
  text: boolean;
  json: boolean;
  /** A server process to report the CPU of (Linux /proc): its CPU per round trip. */
  serverPid: number | undefined;
  /** Seconds allowed for every connection to open. */
  connectTimeout: number;
}

export const BENCH_USAGE = `Usage: lapps bench --url ws://HOST:PORT/PATH [options]

Loads a WebSocket echo server: every connection sends one message, waits for its echo and sends
it again. Prints a progress line every second, then round trips/s and latency percentiles.

Options:
  --url URL              the echo endpoint (ws:// or wss://), required
  --connections N        connections, each with one message in flight (default 100)
  --payload BYTES        message size (default 1024)
  --duration SECONDS     the measured window (default 10)
  --warmup SECONDS       load before the window, not counted (default 1)
  --instances K          load processes to spread the connections over (default 1: this one)
  --tls                  use wss:// for a ws:// URL
  --ca FILE              trust this CA (PEM) for wss://
  --insecure             do not verify the server's certificate (self-signed test servers)
  --text                 send text frames (default binary)
  --connect-timeout S    seconds for all connections to open (default 15)
  --server-pid PID       also report that process's CPU (with its children) per round trip
  --json                 print the summary as JSON on stdout (progress stays on stderr)
`;

export class BenchUsageError extends Error {}

function number(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
  integer: boolean,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new BenchUsageError(
      `--${flag} must be ${integer ? 'an integer' : 'a number'}, got "${text}"`,
    );
  }
  if (value < min || value > max) {
    throw new BenchUsageError(`--${flag} must be ${min}..${max}, got ${value}`);
  }
  return value;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        connections: { type: 'string' },
        payload: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        instances: { type: 'string' },
        tls: { type: 'boolean' },
        ca: { type: 'string' },
        insecure: { type: 'boolean' },
        text: { type: 'boolean' },
        'connect-timeout': { type: 'string' },
        json: { type: 'boolean' },
        'server-pid': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message.split('. ')[0] ?? 'bad arguments');
  }
  const str = (key: string): string | undefined => values[key] as string | undefined;
  const rawUrl = str('url');
  if (rawUrl === undefined) throw new BenchUsageError('--url is required');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new BenchUsageError(`--url is not a URL: "${rawUrl}"`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new BenchUsageError(`--url must be ws:// or wss://, got "${url.protocol}//"`);
  }
  if (values.tls === true && url.protocol === 'ws:') url.protocol = 'wss:';
  return {
    url: url.href,
    connections: number('connections', str('connections'), 100, 1, 1_000_000, true),
    payload: number('payload', str('payload'), 1024, 1, 64 * 1024 * 1024, true),
    duration: number('duration', str('duration'), 10, 0.1, 86_400, false),
    warmup: number('warmup', str('warmup'), 1, 0, 3_600, false),
    instances: number('instances', str('instances'), 1, 1, 256, true),
    ca: str('ca'),
    insecure: values.insecure === true,
    text: values.text === true,
    connectTimeout: number('connect-timeout', str('connect-timeout'), 15, 0.1, 3_600, false),
    json: values.json === true,
    serverPid:
      str('server-pid') === undefined
        ? undefined
        : number('server-pid', str('server-pid'), 0, 1, 2 ** 31 - 1, true),
  };
}
