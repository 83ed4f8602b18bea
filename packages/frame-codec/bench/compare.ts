import { Bench, type Task } from 'tinybench';

/**
 * Side-by-side timing of ours against ws with tinybench. Each timed call does a batch of operations
 * (`opsPerCall`, sized to take microseconds or more) so that the timer's own cost, tens of
 * nanoseconds per sample, stays out of per-operation figures of about 100 ns.
 */

/** One side of a comparison. */
export interface Contender {
  /** One timed call: `opsPerCall` operations. */
  run: () => void;
  /** Before each call, untimed: restores input that the previous call consumed. */
  beforeEach?: () => void;
  /** After timing: asserts that every timed call did all its work (counts, bytes, no errors). */
  verify: () => void;
}

export interface Comparison {
  name: string;
  /** Operations per call (frames, validations): the unit of ops/s. */
  opsPerCall: number;
  /** Payload bytes per call, the unit of MB/s (10^6 bytes); 0 where MB/s means nothing. */
  bytesPerCall: number;
  ours: Contender;
  ws: Contender;
}

export interface Rate {
  opsPerSecond: number;
  /** Undefined where MB/s means nothing. */
  megabytesPerSecond: number | undefined;
  /** Relative margin of error of the mean call time, in percent. */
  rme: number;
}

export interface Measured {
  name: string;
  ours: Rate;
  ws: Rate;
}

export interface TimingOptions {
  /** Time budget per task, in ms. */
  time: number;
  warmupTime: number;
}

/** Operations per timed call for operations of `bytesPerOp` bytes: about 128 KiB of work. */
export function opsPerCallFor(bytesPerOp: number): number {
  return Math.min(1024, Math.max(1, Math.round((128 * 1024) / bytesPerOp)));
}

/**
 * Times every comparison of a section and prints one line per row as the section ends. A contender
 * used by several rows (ours, against two ws variants) is timed once.
 */
export async function compare(
  title: string,
  comparisons: readonly Comparison[],
  timing: TimingOptions,
): Promise<Measured[]> {
  const bench = new Bench({
    name: title,
    time: timing.time,
    warmupTime: timing.warmupTime,
    warmup: true,
  });
  const taskNames = new Map<Contender, string>();
  const add = (contender: Contender, name: string) => {
    if (taskNames.has(contender)) return;
    taskNames.set(contender, name);
    const hooks = contender.beforeEach ? { beforeEach: contender.beforeEach } : {};
    bench.add(name, contender.run, hooks);
  };
  for (const c of comparisons) {
    add(c.ours, `${c.name} | ours`);
    add(c.ws, `${c.name} | ws`);
  }

  await bench.run();

  const tasks = new Map(bench.tasks.map((task) => [task.name, task]));
  const rateOf = (c: Comparison, contender: Contender): Rate => {
    const task = tasks.get(taskNames.get(contender)!)!;
    const measured = rate(task, c); // throws the task's error, if it failed
    contender.verify();
    return measured;
  };
  const measured = comparisons.map((c) => ({
    name: c.name,
    ours: rateOf(c, c.ours),
    ws: rateOf(c, c.ws),
  }));

  console.log(`\n## ${title}`);
  for (const m of measured) {
    console.log(
      `${m.name.padEnd(64)} ours ${describe(m.ours)}   ws ${describe(m.ws)}   ratio ${ratio(m)}`,
    );
  }
  return measured;
}

function rate(task: Task, c: Comparison): Rate {
  const result = task.result;
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
  // `period` is the mean call time: its reciprocal, unlike the mean of per-sample rates
  // (`throughput.mean`), weighs slow calls (a GC pause) as much as they cost.
  const callsPerSecond = 1000 / result.period;
  return {
    opsPerSecond: callsPerSecond * c.opsPerCall,
    megabytesPerSecond: c.bytesPerCall > 0 ? (callsPerSecond * c.bytesPerCall) / 1e6 : undefined,
    rme: result.latency.rme,
  };
}

/** 65536 -> "64 KiB". */
export function formatSize(bytes: number): string {
  return bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

/** 1234567 -> "1.23 M". */
export function formatOps(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)} M`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)} k`;
  return opsPerSecond.toFixed(0);
}

export function formatMegabytes(rate: Rate): string {
  const mb = rate.megabytesPerSecond;
  return mb === undefined ? '-' : mb >= 100 ? mb.toFixed(0) : mb.toFixed(1);
}

/** ours / ws in ops/s: above 1, ours is faster. */
export function ratio(m: Measured): string {
  const r = m.ours.opsPerSecond / m.ws.opsPerSecond;
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;
}

function describe(rate: Rate): string {
  const mb = rate.megabytesPerSecond === undefined ? '' : ` ${formatMegabytes(rate)} MB/s`;
  return `${formatOps(rate.opsPerSecond).padStart(8)} ops/s${mb} (±${rate.rme.toFixed(1)}%)`;
}
