/**
 * Micro-benchmark of the codec (not a test: `pnpm --filter @lapps/protocol bench`): encode + decode
 * of a request with 128 bytes of params, against JSON.stringify + JSON.parse of the same object in
 * the same run. Ratios matter; absolute figures depend on the machine.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { decodeInbound, encodeMessage, InboundType } from '../src/index.js';

const REQUEST = { lapps: 1, method: 'echo', params: ['x'.repeat(128)] };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function ours(): unknown {
  return decodeInbound(encodeMessage(REQUEST));
}

function json(): unknown {
  return JSON.parse(decoder.decode(encoder.encode(JSON.stringify(REQUEST))));
}

// What is timed must be right first.
const decoded = decodeInbound(encodeMessage(REQUEST));
if (decoded.type !== InboundType.RequestWithParams) throw new Error(`type ${decoded.type}`);
if (JSON.stringify(decoded.message) !== JSON.stringify(REQUEST)) throw new Error('cbor round trip');
if (JSON.stringify(json()) !== JSON.stringify(REQUEST)) throw new Error('json round trip');

const bench = new Bench({ time: 1000 });
let sink: unknown;
bench
  .add('JSON.stringify + parse (with UTF-8 bytes, as on the wire)', () => {
    sink = json();
  })
  .add('@lapps/protocol encodeMessage + decodeInbound (CBOR, validated)', () => {
    sink = ours();
  });

await bench.run();
if (sink === undefined) throw new Error('unreachable');

const baselineOps = opsPerSecond(bench.tasks[0]!);
console.log(
  `Request: ${encodeMessage(REQUEST).length} bytes CBOR, ${JSON.stringify(REQUEST).length} bytes JSON; Node ${process.version}`,
);
console.table(
  bench.tasks.map((task) => ({
    name: task.name,
    'ops/s': Math.round(opsPerSecond(task)).toLocaleString('en-US'),
    'µs/op': (1e6 / opsPerSecond(task)).toFixed(2),
    'vs JSON': `${(opsPerSecond(task) / baselineOps).toFixed(2)}x`,
  })),
);

function opsPerSecond(task: (typeof bench.tasks)[number]): number {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
  return result.throughput.mean;
}

const oursOps = opsPerSecond(bench.tasks[1]!);
const summary = [
  {
    benchmark: 'encodeMessage + decodeInbound, 128 B of params',
    ours: `${Math.round(oursOps).toLocaleString('en-US')} ops/s`,
    baseline: `JSON.stringify + parse ${Math.round(baselineOps).toLocaleString('en-US')} ops/s`,
    ratio: `${(oursOps / baselineOps).toFixed(2)}x`,
  },
];
// `pnpm bench` at the repository root prints one summary of every package (scripts/bench.mjs).
const summaryDir = process.env['LAPPS_BENCH_SUMMARY_DIR'];
if (summaryDir !== undefined)
  writeFileSync(join(summaryDir, 'protocol.json'), JSON.stringify(summary));
