/**
 * The source of the watchdog thread of StallWatch, run with `new Worker(source, { eval: true })`.
 * Inline rather than a file of its own so that the bundled package has no second entry point to
 * locate at run time. It is CommonJS (eval'd code is) and needs nothing but shared memory and
 * fs.writeSync: the less it loads, the less it can get stuck on.
 */

/** Index of the heartbeat counter in the shared Int32Array, bumped by the main thread. */
export const BEAT_CELL = 0;
/** Index of the running entry: 0 when none, else `names` index + 1. */
export const RUNNING_CELL = 1;
export const CELL_COUNT = 2;

export interface StallThreadData {
  shared: SharedArrayBuffer;
  timeoutMs: number;
  pollMs: number;
  names: string[];
  kill: boolean;
  worker: number | undefined;
}

export const STALL_THREAD_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const cells = new Int32Array(workerData.shared);
let last = Atomics.load(cells, ${BEAT_CELL});
let since = Date.now();
let reported = false;
setInterval(() => {
  const now = Date.now();
  const beat = Atomics.load(cells, ${BEAT_CELL});
  if (beat !== last) { last = beat; since = now; reported = false; return; }
  const stalledMs = now - since;
  if (stalledMs < workerData.timeoutMs || reported) return;
  reported = true;
  const r = Atomics.load(cells, ${RUNNING_CELL});
  const running = r > 0 ? (workerData.names[r - 1] ?? 'entry ' + (r - 1)) : null;
  const line = { level: 50, time: now, pid: process.pid };
  if (workerData.worker !== undefined) line.worker = workerData.worker;
  line.running = running;
  line.msg = 'event loop stalled for ' + stalledMs + ' ms' +
    (running === null ? '' : ' while running ' + running) +
    (workerData.kill ? ': killing this worker' : '');
  // fd 1 directly: the main thread's process.stdout is stuck with its event loop.
  try { writeSync(1, JSON.stringify(line) + '\\n'); } catch {}
  if (workerData.kill) process.kill(process.pid, 'SIGKILL');
}, workerData.pollMs);
`;
