import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runBench } from '../../src/bench/bench-command.js';
import type { BenchResult } from '../../src/bench/bench-report.js';
import { run } from '../../src/cli/run.js';
import { startServer } from '../server/harness.js';

const servers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function capture() {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
      interrupted: new Promise<void>(() => {}),
    },
    out: () => stdout,
    err: () => stderr,
  };
}

/** A `ws` server on a free port: an echo, or (`reply`) something else. */
async function wsServer(reply?: (data: Buffer) => Buffer | string): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) =>
    ws.on('message', (data: Buffer, isBinary) =>
      ws.send(reply ? reply(data) : data, { binary: reply ? undefined : isBinary }),
    ),
  );
  servers.push({ close: () => new Promise((resolve) => wss.close(resolve)) });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/echo`;
}

const quick = ['--duration', '0.6', '--warmup', '0.2', '--json'];

describe('lapps bench', () => {
  it('loads a ws echo server: round trips, latency percentiles, no errors, progress on stderr', async () => {
    const url = await wsServer();
    const { io, out, err } = capture();
    // The ws server runs in this process: --server-pid reports this process's CPU.
    const code = await run(
      [
        'bench',
        '--url',
        url,
        '--connections',
        '8',
        '--payload',
        '300',
        '--server-pid',
        String(process.pid),
        ...quick,
      ],
      io,
    );
    expect(code).toBe(0);
    const result = JSON.parse(out()) as BenchResult;
    expect(result).toMatchObject({
      url,
      connections: 8,
      opened: 8,
      failedConnections: 0,
      payload: 300,
      frames: 'binary',
      lostConnections: 0,
      mismatchedEchoes: 0,
      errors: [],
      interrupted: false,
    });
    expect(result.roundTrips).toBeGreaterThan(0);
    expect(result.roundTripsPerSecond).toBeCloseTo(result.roundTrips / result.seconds, 5);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p99!).toBeGreaterThanOrEqual(result.latencyMs.p50!);
    expect(result.latencyMs.max!).toBeGreaterThanOrEqual(result.latencyMs.p99!);
    expect(result.loadCpuUsPerRoundTrip).toBeGreaterThan(0);
    expect(result.serverCpuUsPerRoundTrip).toBeGreaterThan(0);
    // The split adds up to the total; an echo server spends time in both.
    expect(result.serverUserUsPerRoundTrip! + result.serverKernelUsPerRoundTrip!).toBeCloseTo(
      result.serverCpuUsPerRoundTrip!,
      6,
    );
    expect(result.serverUserUsPerRoundTrip).toBeGreaterThan(0);
    expect(result.serverCpuPercent).toBeGreaterThan(0);
    expect(err()).toMatch(/measuring +0\.\d s \| now +[\d,]+ rt\/s \| mean/);
  });

  it('loads our own server, text frames, and prints a readable summary without --json', async () => {
    const server = await startServer('plain', undefined);
    servers.push({ close: () => server.shutdown() });
    const { io, out } = capture();
    const code = await runBench(
      [
        '--url',
        `${server.url}/echo`,
        '--connections',
        '3',
        '--text',
        '--duration',
        '0.5',
        '--warmup',
        '0',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(out()).toMatch(/3\/3 connections, 1024 B text/);
    expect(out()).toMatch(/round trips\/s +[\d,]+/);
    expect(out()).toMatch(/0 failed to connect, 0 lost, 0 wrong echoes/);
  });

  it('spreads the connections over --instances load processes and adds their counts', async () => {
    const url = await wsServer();
    const { io, out } = capture();
    const code = await run(
      [
        'bench',
        '--url',
        url,
        '--connections',
        '5',
        '--instances',
        '2',
        '--payload',
        '64',
        ...quick,
      ],
      io,
    );
    expect(code).toBe(0);
    const result = JSON.parse(out()) as BenchResult;
    expect(result.instances).toBe(2);
    expect(result.opened).toBe(5);
    expect(result.roundTrips).toBeGreaterThan(0);
    expect(result.mismatchedEchoes).toBe(0);
  });

  it('a server that does not echo: mismatches are reported and the exit code is 1', async () => {
    const url = await wsServer(() => 'not your message');
    const { io, out } = capture();
    const code = await run(['bench', '--url', url, '--connections', '2', ...quick], io);
    expect(code).toBe(1);
    const result = JSON.parse(out()) as BenchResult;
    expect(result.mismatchedEchoes).toBeGreaterThan(0);
    expect(result.errors.join(' ')).toMatch(/echo mismatch/);
  });

  it('no server: exit 1 naming the URL and the reason', async () => {
    const url = await wsServer();
    await servers.pop()!.close();
    const { io, err } = capture();
    const code = await run(['bench', '--url', url, '--connections', '2', ...quick], io);
    expect(code).toBe(1);
    expect(err()).toMatch(
      new RegExp(`no connection to ${url.replace(/[/.]/g, '\\$&')} opened: .*ECONNREFUSED`),
    );
  });

  it.each([
    [[], /--url is required/],
    [['--url', 'http://x/'], /must be ws:\/\/ or wss:\/\//],
    [
      ['--url', 'ws://127.0.0.1:1/', '--connections', '0'],
      /--connections must be 1\.\.1000000, got 0/,
    ],
    [
      ['--url', 'ws://127.0.0.1:1/', '--payload', 'lots'],
      /--payload must be an integer, got "lots"/,
    ],
    [['--url', 'ws://127.0.0.1:1/', '--nope'], /Unknown option '--nope'/],
    [['--url', 'ws://127.0.0.1:1/', '--server-pid', '2147483646'], /no such process/],
  ])('usage error %j: exit 2 with the reason and the usage', async (args, message) => {
    const { io, err } = capture();
    expect(await run(['bench', ...args], io)).toBe(2);
    expect(err()).toMatch(message);
    expect(err()).toMatch(/Usage: lapps bench --url/);
  });

  it('--tls turns ws:// into wss://', async () => {
    const { io, err } = capture();
    const code = await runBench(
      [
        '--url',
        'ws://127.0.0.1:1/x',
        '--tls',
        '--connections',
        '1',
        '--connect-timeout',
        '2',
        ...quick,
      ],
      io,
    );
    expect(code).toBe(1);
    expect(err()).toMatch(/no connection to wss:\/\/127\.0\.0\.1:1\/x opened/);
  });
});
