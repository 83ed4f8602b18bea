/**
 * Micro-benchmark of the Lua call on the hot path (`pnpm --filter @lapps/lua-bridge bench`): push
 * a 1 KiB payload, call `onMessage` of an echo service, which calls `ws:send` back to a no-op host.
 * Target (DESIGN section 3): < 1.5 µs per call. Asserts first that the echo is byte-exact.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { NetworkService, type ServiceHostLike } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lua-bridge-bench-'));
writeFileSync(
  join(dir, 'echo.lua'),
  `echo = {}
function echo.onStart() end
function echo.onMessage(handler, opcode, message) return ws:send(handler, opcode, message) end
function echo.onDisconnect(handler) end
function echo.onShutdown() end
return echo
`,
);

let last: Uint8Array | undefined;
const host: ServiceHostLike = {
  send(_handler, _opcode, payload) {
    last = payload;
    return true;
  },
  close() {},
  bufferedAmount: () => 0,
};
const service = new NetworkService({ name: 'echo', dir, log: () => {} }, 0);
await service.onStart(host);

const payload = new Uint8Array(1024).map((_, i) => (i * 31) & 0xff);
// Correctness first: the same bytes come back, and no copy was made on the way.
if (!service.onMessage(1, 2, payload) || last !== payload) {
  throw new Error('echo: the payload did not come back unchanged');
}

const bench = new Bench({ time: 2000, warmupTime: 500 });
bench.add('Lua onMessage echo, 1 KiB (push + call + ws:send)', () => {
  service.onMessage(1, 2, payload);
});
await bench.run();

console.log(`Node ${process.version}; fengari 0.1.5; target < 1.5 µs per call`);
for (const task of bench.tasks) {
  const result = task.result;
  if (result === undefined || result.state !== 'completed') throw new Error(`${task.name}: failed`);
  const meanMs = result.latency.mean;
  console.log(
    `${task.name}: ${(meanMs * 1000).toFixed(3)} µs per call (median ${((result.latency.p50 ?? meanMs) * 1000).toFixed(3)} µs, p99 ${(result.latency.p99 * 1000).toFixed(3)} µs)`,
  );
}

const summary = bench.tasks.map((task) => {
  const micros = task.result.state === 'completed' ? task.result.latency.mean * 1000 : Number.NaN;
  return {
    benchmark: task.name,
    ours: `${micros.toFixed(3)} µs per call`,
    baseline: 'target < 1.5 µs (no ws counterpart: ws runs no interpreter)',
    ratio: micros < 1.5 ? 'met' : 'NOT met',
  };
});
// `pnpm bench` at the repository root prints one summary of every package (scripts/bench.mjs).
const summaryDir = process.env['LAPPS_BENCH_SUMMARY_DIR'];
if (summaryDir !== undefined)
  writeFileSync(join(summaryDir, 'lua-bridge.json'), JSON.stringify(summary));
