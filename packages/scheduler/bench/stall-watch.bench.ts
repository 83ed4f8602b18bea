import { equal } from 'node:assert/strict';
import { Bench } from 'tinybench';
import { StallWatch } from '../src/stall-watch.js';
import { RUNNING_CELL } from '../src/stall-watch-thread.js';

/**
 * What StallWatch adds to every Lua call: `enter(i)` before, `leave()` after. Run on its own:
 * `npx tsx bench/stall-watch.bench.ts`. Budget: well under 20 ns a pair. The baseline is the same
 * pair of stores into a plain Int32Array, without the method calls.
 */

const PAIRS_PER_CALL = 1000;
const watch = StallWatch.start({ timeoutMs: 60_000, names: ['echo#0', 'echo#1', 'echo#2'] });
const cells = (watch as unknown as { cells: Int32Array }).cells;

// What is timed must work: enter records index + 1, leave clears it.
watch.enter(2);
equal(cells[RUNNING_CELL], 3);
watch.leave();
equal(cells[RUNNING_CELL], 0);

const plain = new Int32Array(2);
const bench = new Bench({ time: Number(process.env['BENCH_TIME_MS'] ?? 500) });
bench.add('enter+leave', () => {
  for (let i = 0; i < PAIRS_PER_CALL; i++) {
    watch.enter(i & 1);
    watch.leave();
  }
});
bench.add('two Int32Array stores', () => {
  for (let i = 0; i < PAIRS_PER_CALL; i++) {
    plain[1] = (i & 1) + 1;
    plain[1] = 0;
  }
});
await bench.run();
watch.stop();

for (const task of bench.tasks) {
  const result = task.result;
  if (result?.state !== 'completed') throw new Error(`${task.name}: ${result?.state}`);
  console.log(`${task.name}: ${((result.period * 1e6) / PAIRS_PER_CALL).toFixed(2)} ns a pair`);
}
