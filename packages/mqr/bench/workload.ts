/**
 * What the benchmark runs on each side of a queue, whatever the backend: a producer with a bounded
 * number of posts in flight, a consumer, and a ping-pong pair for the latency. Messages are 128
 * bytes; the first 8 hold the sender's clock where it matters.
 */
import type { QueueBackend } from '../src/index.js';

export const MESSAGE_BYTES = 128;

/** Milliseconds on a clock that processes of one machine share. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

function message(stamp: number): Uint8Array {
  const bytes = new Uint8Array(MESSAGE_BYTES);
  new DataView(bytes.buffer).setFloat64(0, stamp);
  return bytes;
}

/** Posts `count` messages to `queue`, at most `inFlight` posts unanswered; retries a full queue. */
export async function produce(
  backend: QueueBackend,
  queue: string,
  count: number,
  inFlight = 64,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      for (;;) {
        try {
          await backend.post(queue, message(now()));
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== 'LAPPS_ERR_MQR_QUEUE_FULL') throw error;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/** Receives `count` messages; resolves with the time from the first to the last, in ms. */
export async function consume(
  backend: QueueBackend,
  queue: string,
  count: number,
): Promise<number> {
  let first = 0;
  for (let i = 0; i < count; i++) {
    await backend.receive(queue);
    if (i === 0) first = now();
  }
  return now() - first;
}

/** One side of a ping-pong: sends on `out`, waits on `back`; returns each round trip in ms. */
export async function ping(
  backend: QueueBackend,
  out: string,
  back: string,
  rounds: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = now();
    await backend.post(out, message(start));
    await backend.receive(back);
    times.push(now() - start);
  }
  return times;
}

/** The other side: answers every message on `out` with one on `back`. */
export async function pong(
  backend: QueueBackend,
  out: string,
  back: string,
  rounds: number,
): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const m = await backend.receive(out);
    await backend.post(back, m);
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
