/**
 * Round-trip latencies in microseconds, log-linear like HdrHistogram: exact below 64 µs, then 32
 * buckets per power of two (about 3% precision) up to 2^31 µs. Recording is an index computation
 * and an increment: no allocation per sample. Counts from several processes merge by adding.
 */

const SUB_BITS = 5;
const SUB = 1 << SUB_BITS; // 32 buckets per power of two
const MAX_EXPONENT = 31;
/** Buckets: 0..63 exact, then 32 per power of two from 2^6 to 2^31. */
export const BUCKETS = 2 * SUB + (MAX_EXPONENT - SUB_BITS - 1) * SUB;

function indexOf(us: number): number {
  const v = us >= 0x7fffffff ? 0x7fffffff : us > 0 ? Math.floor(us) : 0;
  if (v < 2 * SUB) return v;
  const exponent = 31 - Math.clz32(v); // >= 6
  const sub = (v >>> (exponent - SUB_BITS)) - SUB; // 0..31
  return 2 * SUB + (exponent - SUB_BITS - 1) * SUB + sub;
}

/** The smallest value that falls into bucket `index`. */
function lowerBound(index: number): number {
  if (index < 2 * SUB) return index;
  const exponent = SUB_BITS + 1 + Math.floor((index - 2 * SUB) / SUB);
  const sub = (index - 2 * SUB) % SUB;
  return (SUB + sub) * 2 ** (exponent - SUB_BITS);
}

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKETS);
  total = 0;
  max = 0;

  record(us: number): void {
    this.counts[indexOf(us)]!++;
    this.total++;
    if (us > this.max) this.max = us;
  }

  /** Adds another histogram's counts (e.g. a worker process's, sent as sparse pairs). */
  addSparse(pairs: readonly (readonly [number, number])[], max: number): void {
    for (const [index, count] of pairs) {
      if (index >= 0 && index < BUCKETS) {
        this.counts[index]! += count;
        this.total += count;
      }
    }
    if (max > this.max) this.max = max;
  }

  /** The non-empty buckets as `[index, count]` pairs: what a worker sends to the parent. */
  toSparse(): [number, number][] {
    const pairs: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) pairs.push([i, this.counts[i]!]);
    return pairs;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.max = 0;
  }

  /**
   * The value at quantile `q` (0..1): the middle of the bucket holding that rank, never above the
   * largest value seen; undefined when empty.
   */
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const low = lowerBound(i);
        const high = i + 1 < BUCKETS ? lowerBound(i + 1) : low;
        return Math.min(this.max, i < 2 * SUB ? low : (low + high) / 2);
      }
    }
    return this.max;
  }
}
