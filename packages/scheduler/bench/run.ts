import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { codecRow } from './codec.bench.js';
import { loopbackRows } from './loopback.bench.js';
import type { Row } from './row.js';

/**
 * Times the peer channel against a baseline measured in the same run, and prints the ratio
 * (ours / baseline ops/s; above 1 means ours is faster). BENCH_TIME_MS sets the time budget per
 * task (default 500 ms).
 */

const time = Number(process.env['BENCH_TIME_MS'] ?? 500);
const cpu = cpus();
console.log(`node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}`);
console.log(`tinybench: ${time} ms a task; ops = messages`);

const rows: Row[] = [codecRow(), ...(await loopbackRows())];
const bench = new Bench({ time, warmupTime: Math.min(250, time), warmup: true });
for (const row of rows) {
  bench.add(`${row.name} | ours`, row.ours);
  bench.add(`${row.name} | ${row.baselineName}`, row.baseline);
}
await bench.run();
for (const row of rows) row.verify?.();
for (const row of rows) await row.teardown?.();

function opsPerSecond(taskName: string, opsPerCall: number): number {
  const result = bench.getTask(taskName)?.result;
  if (result === undefined) throw new Error(`${taskName}: not run`);
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed') throw new Error(`${taskName}: ${result.state}`);
  // `period` is the mean call time: its reciprocal weighs slow calls (a GC pause) as they cost.
  return (opsPerCall * 1000) / result.period;
}

const format = (n: number) => Math.round(n).toLocaleString('en-US');
console.log('\n| benchmark | ours ops/s | baseline | baseline ops/s | ratio |');
console.log('| --- | ---: | --- | ---: | ---: |');
const summary: { benchmark: string; ours: string; baseline: string; ratio: string }[] = [];
for (const row of rows) {
  const ours = opsPerSecond(`${row.name} | ours`, row.opsPerCall);
  const base = opsPerSecond(`${row.name} | ${row.baselineName}`, row.opsPerCall);
  console.log(
    `| ${row.name} | ${format(ours)} | ${row.baselineName} | ${format(base)} | ${(ours / base).toFixed(2)}x |`,
  );
  summary.push({
    benchmark: row.name,
    ours: `${format(ours)} ops/s`,
    baseline: `${row.baselineName} ${format(base)} ops/s`,
    ratio: `${(ours / base).toFixed(2)}x`,
  });
}

// `pnpm bench` at the repository root prints one summary of every package (scripts/bench.mjs).
const summaryDir = process.env['LAPPS_BENCH_SUMMARY_DIR'];
if (summaryDir !== undefined)
  writeFileSync(join(summaryDir, 'scheduler.json'), JSON.stringify(summary));
