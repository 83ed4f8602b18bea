/**
 * Micro-benchmark of the server's handshake work (not a test: `pnpm --filter @lapps/handshake bench`).
 *
 * `ws` has no standalone HTTP parser (Node's llhttp, in C, parses the head before `ws` sees it), so
 * the only like-for-like baseline is the accept computation: `ws` uses node:crypto's
 * createHash('sha1'), we use @noble/hashes (pure JS, so the package runs in browsers and Bun).
 * Target (issue): >= 100k parse + validate + accept per second on one core.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { acceptKey, RequestHeadParser, validateUpgrade } from '../src/index.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

// A browser-like upgrade request of about 250 bytes.
const REQUEST = new TextEncoder().encode(
  'GET /chat HTTP/1.1\r\n' +
    'Host: server.example.com\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${KEY}\r\n` +
    'Origin: http://example.com\r\n' +
    'Sec-WebSocket-Protocol: chat, superchat\r\n' +
    'Sec-WebSocket-Version: 13\r\n' +
    'User-Agent: Mozilla/5.0 (X11; Linux)\r\n' +
    '\r\n',
);

function ours(): string {
  const request = new RequestHeadParser().push(REQUEST);
  if (request === undefined) throw new Error('incomplete');
  const upgrade = validateUpgrade(request, { subprotocols: ['chat'] });
  return acceptKey(upgrade.key);
}

function nodeCryptoAccept(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

// What is timed must be right first.
function check(name: string, got: string): void {
  if (got !== ACCEPT) throw new Error(`${name}: expected ${ACCEPT}, got ${got}`);
}
check('ours', ours());
check('acceptKey', acceptKey(KEY));
check('node:crypto', nodeCryptoAccept(KEY));

const bench = new Bench({ time: 1000 });
let sink = '';
bench
  .add('node:crypto sha1 accept (what ws computes)', () => {
    sink = nodeCryptoAccept(KEY);
  })
  .add('@lapps/handshake acceptKey (noble sha1)', () => {
    sink = acceptKey(KEY);
  })
  .add('@lapps/handshake parse + validateUpgrade + acceptKey', () => {
    sink = ours();
  })
  .add('@lapps/handshake parse + validateUpgrade (no accept)', () => {
    const request = new RequestHeadParser().push(REQUEST);
    sink = validateUpgrade(request!).key;
  });

await bench.run();
if (sink.length === 0) throw new Error('unreachable');

const baseline = bench.tasks[0]!;
const baselineOps = opsPerSecond(baseline);
console.log(
  `Request: ${REQUEST.length} bytes; Node ${process.version}; baseline: ${baseline.name}`,
);
console.table(
  bench.tasks.map((task) => ({
    name: task.name,
    'ops/s': Math.round(opsPerSecond(task)).toLocaleString('en-US'),
    'µs/op': (1e6 / opsPerSecond(task)).toFixed(2),
    'vs baseline': `${(opsPerSecond(task) / baselineOps).toFixed(2)}x`,
  })),
);
const full = opsPerSecond(bench.tasks[2]!);
console.log(
  `parse + validate + accept: ${Math.round(full).toLocaleString('en-US')} ops/s ` +
    `(target >= 100,000: ${full >= 100_000 ? 'met' : 'NOT met'})`,
);
console.log(
  "Node's own http parser (llhttp, C, inside the socket machinery) has no standalone entry point: not comparable.",
);

function opsPerSecond(task: (typeof bench.tasks)[number]): number {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
  return result.throughput.mean;
}

const summary = [
  {
    benchmark: 'Sec-WebSocket-Accept (acceptKey, noble sha1)',
    ours: `${Math.round(opsPerSecond(bench.tasks[1]!)).toLocaleString('en-US')} ops/s`,
    baseline: `node:crypto sha1 (ws) ${Math.round(baselineOps).toLocaleString('en-US')} ops/s`,
    ratio: `${(opsPerSecond(bench.tasks[1]!) / baselineOps).toFixed(2)}x`,
  },
  {
    benchmark: 'parse + validateUpgrade + acceptKey',
    ours: `${Math.round(full).toLocaleString('en-US')} ops/s`,
    baseline: 'target >= 100,000 ops/s',
    ratio: full >= 100_000 ? 'met' : 'NOT met',
  },
];
// `pnpm bench` at the repository root prints one summary of every package (scripts/bench.mjs).
const summaryDir = process.env['LAPPS_BENCH_SUMMARY_DIR'];
if (summaryDir !== undefined)
  writeFileSync(join(summaryDir, 'handshake.json'), JSON.stringify(summary));
