import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { nativeMaskingLoaded } from '../src/index.js';
import {
  type Comparison,
  compare,
  formatMegabytes,
  formatOps,
  type Measured,
  ratio,
} from './compare.js';
import { parseComparisons } from './parse.bench.js';
import { serializeComparisons } from './serialize.bench.js';
import { utf8Comparisons } from './utf8.bench.js';
import { wsMaskingBackend, wsUtf8Backend, wsVersion } from './ws-baseline.js';

/**
 * Runs every section and prints the table. `pnpm run bench [section]` runs the sections whose name
 * contains the argument; BENCH_TIME_MS sets the time budget per task (default 500 ms, about
 * 60 seconds for everything).
 */

const sections: [string, () => Comparison[]][] = [
  ['parse (client frames into a server)', parseComparisons],
  ['serialize', serializeComparisons],
  ['utf8', utf8Comparisons],
];

const filter = process.argv[2] ?? '';
const time = Number(process.env['BENCH_TIME_MS'] ?? 500);
const timing = { time, warmupTime: Math.min(250, time) };

const cpu = cpus();
console.log(`node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}`);
console.log(`ws ${wsVersion}: masking by ${wsMaskingBackend()}; UTF-8 by ${wsUtf8Backend()}`);
console.log(
  `ours: masking by ${nativeMaskingLoaded ? 'bufferutil (>= 64 B), JS below' : 'JS'}; UTF-8 by ${'getBuiltinModule' in process ? 'buffer.isUtf8 (>= 64 B), JS below' : 'JS only'}`,
);
console.log(`tinybench: ${timing.time} ms a task after ${timing.warmupTime} ms of warmup`);
console.log('ops = frames (parse, serialize) or validations (utf8); MB = 10^6 payload bytes');

const results: Measured[] = [];
const started = performance.now();
for (const [title, build] of sections) {
  if (!title.includes(filter)) continue;
  // Building a section asserts that both contenders do what they are timed doing.
  results.push(...(await compare(title, build(), timing)));
}

console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s\n`);
console.log('| benchmark | ours ops/s | ws ops/s | ratio | ours MB/s | ws MB/s |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const m of results) {
  console.log(
    `| ${m.name} | ${formatOps(m.ours.opsPerSecond)} | ${formatOps(m.ws.opsPerSecond)} | ${ratio(m)} | ${formatMegabytes(m.ours)} | ${formatMegabytes(m.ws)} |`,
  );
}

const summary = results.map((m) => ({
  benchmark: m.name,
  ours: `${formatOps(m.ours.opsPerSecond)} ops/s`,
  baseline: `ws ${formatOps(m.ws.opsPerSecond)} ops/s`,
  ratio: ratio(m),
}));
// `pnpm bench` at the repository root prints one summary of every package (scripts/bench.mjs).
const summaryDir = process.env['LAPPS_BENCH_SUMMARY_DIR'];
if (summaryDir !== undefined)
  writeFileSync(join(summaryDir, 'frame-codec.json'), JSON.stringify(summary));
