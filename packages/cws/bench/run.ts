import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { eventRows } from './events.bench.js';
import { type Row, roundTripRows } from './round-trip.bench.js';

/**
 * `pnpm bench` in this folder: our client against the `ws` client over loopback, plus the cost of
 * dispatching an event. BENCH_TIME_MS sets the time per task (default 1000 ms).
 */
const time = Number(process.env['BENCH_TIME_MS'] ?? 1000);
const cpu = cpus();
console.log(`node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}`);
console.log(
  `tinybench: ${time} ms a task; messages/s; ratio = ours / theirs (above 1: ours faster)`,
);

const rows: Row[] = [...(await roundTripRows(time)), ...(await eventRows(time))];

const format = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
console.log('\n| benchmark | ours /s | theirs /s | ratio |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(
    `| ${row.name} | ${format(row.ours)} | ${format(row.ws)} | ${(row.ours / row.ws).toFixed(2)}x |`,
  );
}

const summary = rows.map((row) => ({
  benchmark: row.name,
  ours: `${format(row.ours)} /s`,
  baseline: `ws ${format(row.ws)} /s`,
  ratio: `${(row.ours / row.ws).toFixed(2)}x`,
}));
// `pnpm bench` at the repository root prints one summary of every package (scripts/bench.mjs).
const summaryDir = process.env['LAPPS_BENCH_SUMMARY_DIR'];
if (summaryDir !== undefined) writeFileSync(join(summaryDir, 'cws.json'), JSON.stringify(summary));
