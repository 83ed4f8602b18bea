/**
 * `pnpm --filter @lapps/mqr bench`: messages per second through one queue and the one-way latency
 * (half a ping-pong round trip) p50/p99, with 128-byte messages:
 * - in one process (LocalQueues), against a bare array-and-promise hand-off;
 * - producer and consumer in two processes with the queues in a third, as in a multi-worker server
 *   (IpcQueueClient/IpcQueueHost), against the bare IPC relay through the same middle process;
 * - over Redis when `redis-server` is installed (RedisQueues), against bare RPUSH/BLPOP.
 * Each baseline is measured in the same run; the ratio is ours / baseline.
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { IpcQueueHost, LocalQueues } from '../src/index.js';
import { consume, now, percentile, ping, pong, produce } from './workload.js';

const here = dirname(fileURLToPath(import.meta.url));
const COUNT = Number(process.env.MQR_BENCH_COUNT ?? 100_000);
const ROUNDS = Number(process.env.MQR_BENCH_ROUNDS ?? 3000);

interface Row {
  what: string;
  perSecond: number;
  p50: number;
  p99: number;
  baseline?: string;
  basePerSecond?: number;
  baseP50?: number;
}
const rows: Row[] = [];

function latency(times: number[]): { p50: number; p99: number } {
  const oneWay = times.map((t) => t / 2).sort((a, b) => a - b);
  return { p50: percentile(oneWay, 50), p99: percentile(oneWay, 99) };
}

async function inProcess(): Promise<void> {
  const backend = new LocalQueues({ capacity: 1_000_000 });
  const consumed = consume(backend, 'bench', COUNT);
  await produce(backend, 'bench', COUNT);
  const ms = await consumed;
  const ponged = pong(backend, 'ping', 'pong', ROUNDS);
  const times = await ping(backend, 'ping', 'pong', ROUNDS);
  await ponged;
  // Baseline: an array and a waiting promise, nothing else.
  const items: number[] = [];
  let waiter: ((n: number) => void) | undefined;
  const put = (n: number) => {
    if (waiter !== undefined) {
      const w = waiter;
      waiter = undefined;
      w(n);
    } else items.push(n);
  };
  const take = () =>
    items.length > 0
      ? Promise.resolve(items.shift() as number)
      : new Promise<number>((resolve) => {
          waiter = resolve;
        });
  const start = now();
  const taker = (async () => {
    for (let i = 0; i < COUNT; i++) await take();
  })();
  for (let i = 0; i < COUNT; i++) {
    put(i);
    if (i % 64 === 0) await Promise.resolve();
  }
  await taker;
  const baseMs = now() - start;
  rows.push({
    what: 'one process (LocalQueues)',
    perSecond: (COUNT / ms) * 1000,
    ...latency(times),
    baseline: 'array + promise hand-off',
    basePerSecond: (COUNT / baseMs) * 1000,
  });
}

/** Runs two peer processes; the parent relays their messages (to the IPC host, or raw). */
async function pair(
  roles: [string, string],
  via: string,
  count: number,
  redisUrl = '',
): Promise<[unknown, unknown]> {
  const host = via === 'ipc' ? new IpcQueueHost(new LocalQueues({ capacity: 1_000_000 })) : null;
  const children: ChildProcess[] = roles.map((role) =>
    fork(join(here, 'peer.ts'), [role, via, String(count), redisUrl], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const results: unknown[] = [];
  let ready = 0;
  const done = new Promise<void>((resolve, reject) => {
    children.forEach((child, index) => {
      child.on('exit', (code) => {
        if (code !== 0 && code !== null) reject(new Error(`${roles[index]} exited with ${code}`));
      });
      child.on('message', (m: { type?: string; result?: unknown }) => {
        if (m.type === 'bench-ready') {
          if (++ready === 2) for (const c of children) c.send({ type: 'go' });
        } else if (m.type === 'bench-result') {
          results[index] = m.result;
          if (Object.keys(results).length === 2) resolve();
        } else if (m.type === 'raw') {
          children[1 - index]?.send(m);
        } else host?.handle(index, m, (reply) => child.send(reply));
      });
    });
  });
  await done;
  for (const child of children) child.kill();
  return [results[0], results[1]];
}

async function crossProcess(): Promise<void> {
  // The consumer times its first to its last message (so the processes' start is not counted).
  const [, ms] = (await pair(['produce', 'consume'], 'ipc', COUNT)) as [unknown, number];
  const [times] = (await pair(['ping', 'pong'], 'ipc', ROUNDS)) as [number[], unknown];
  const [raw] = (await pair(['raw-ping', 'raw-pong'], 'raw', ROUNDS)) as [number[], unknown];
  rows.push({
    what: 'two processes, queues in a third (IPC)',
    perSecond: (COUNT / ms) * 1000,
    ...latency(times),
    baseline: 'bare IPC relay',
    baseP50: latency(raw).p50,
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function overRedis(): Promise<void> {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    console.log(
      'over Redis: skipped (redis-server is not installed; scripts/setup.sh installs it)',
    );
    return;
  }
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => {}); // connect() below retries until redis-server is up
  for (let i = 0; i < 50; i++) {
    try {
      await client.connect();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    const [, ms] = (await pair(['produce', 'consume'], 'redis', COUNT, url)) as [unknown, number];
    const [times] = (await pair(['ping', 'pong'], 'redis', ROUNDS, url)) as [number[], unknown];
    // Baseline: bare RPUSH + BLPOP round trips from one client to itself.
    const blocking = client.duplicate();
    const raw: number[] = [];
    const payload = Buffer.alloc(128);
    for (let i = 0; i < ROUNDS; i++) {
      const t = now();
      await client.rpush('raw', payload);
      await blocking.blpop('raw', 1);
      raw.push(now() - t);
    }
    blocking.disconnect();
    rows.push({
      what: 'over Redis (RedisQueues)',
      perSecond: (COUNT / ms) * 1000,
      ...latency(times),
      baseline: 'bare RPUSH + BLPOP',
      baseP50: latency(raw).p50,
    });
  } finally {
    client.disconnect();
    server.kill();
  }
}

await inProcess();
await crossProcess();
await overRedis();
const f = (n: number | undefined, digits = 0) => (n === undefined ? '—' : n.toFixed(digits));
console.log(
  `mqr: ${COUNT} messages of 128 B through one queue; latency = half a ping-pong round trip over ${ROUNDS} rounds (ms)\n`,
);
console.log(
  '| where | msgs/s | p50 ms | p99 ms | baseline | baseline msgs/s | baseline p50 ms | ratio |',
);
console.log('|---|---:|---:|---:|---|---:|---:|---:|');
for (const r of rows) {
  const ratio =
    r.basePerSecond !== undefined
      ? `${f(r.perSecond / r.basePerSecond, 2)}x msgs/s`
      : r.baseP50 !== undefined
        ? `${f(r.p50 / r.baseP50, 2)}x p50`
        : '—';
  console.log(
    `| ${r.what} | ${f(r.perSecond)} | ${f(r.p50, 3)} | ${f(r.p99, 3)} | ${r.baseline ?? '—'} | ${f(r.basePerSecond)} | ${f(r.baseP50, 3)} | ${ratio} |`,
  );
}

const summary = rows.map((r) => ({
  benchmark: `128 B messages ${r.what}`,
  ours: `${f(r.perSecond)} msgs/s, p50 ${f(r.p50, 3)} ms`,
  baseline:
    r.baseline === undefined
      ? '—'
      : `${r.baseline} ${r.basePerSecond !== undefined ? `${f(r.basePerSecond)} msgs/s` : `p50 ${f(r.baseP50, 3)} ms`}`,
  ratio:
    r.basePerSecond !== undefined
      ? `${f(r.perSecond / r.basePerSecond, 2)}x`
      : r.baseP50 !== undefined
        ? `${f(r.baseP50 / r.p50, 2)}x (p50 latency)`
        : '—',
}));
// `pnpm bench` at the repository root prints one summary of every package (scripts/bench.mjs).
const summaryDir = process.env['LAPPS_BENCH_SUMMARY_DIR'];
if (summaryDir !== undefined) writeFileSync(join(summaryDir, 'mqr.json'), JSON.stringify(summary));
