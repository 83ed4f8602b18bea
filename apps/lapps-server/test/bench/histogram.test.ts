import { describe, expect, it } from 'vitest';
import { BUCKETS, LatencyHistogram } from '../../src/bench/histogram.js';

describe('LatencyHistogram', () => {
  it('is exact below 64 µs and within about 3% above, up to 2^31 µs', () => {
    const h = new LatencyHistogram();
    for (const v of [0, 1, 5, 63]) {
      h.reset();
      h.record(v);
      expect(h.quantile(0.5)).toBe(v);
    }
    for (const v of [64, 100, 1000, 12_345, 1_000_000, 2 ** 30, 2 ** 31 - 1]) {
      h.reset();
      h.record(v);
      h.record(v);
      const q = h.quantile(0.5)!;
      expect(Math.abs(q - v) / v).toBeLessThan(0.035);
      expect(q).toBeLessThanOrEqual(v); // never above the largest value seen
    }
  });

  it('quantiles follow ranks; empty is undefined', () => {
    const h = new LatencyHistogram();
    expect(h.quantile(0.5)).toBeUndefined();
    for (let v = 1; v <= 100; v++) h.record(v * 10); // 10 .. 1000 µs
    expect(h.total).toBe(100);
    expect(Math.abs(h.quantile(0.5)! - 500) / 500).toBeLessThan(0.035);
    expect(Math.abs(h.quantile(0.99)! - 990) / 990).toBeLessThan(0.035);
    expect(h.quantile(1)).toBe(1000);
    expect(h.max).toBe(1000);
  });

  it('merges through sparse pairs (what load processes send)', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 50; i++) a.record(100);
    for (let i = 0; i < 50; i++) b.record(5000);
    const merged = new LatencyHistogram();
    merged.addSparse(a.toSparse(), a.max);
    merged.addSparse(b.toSparse(), b.max);
    merged.addSparse([[BUCKETS + 5, 9]], 0); // out of range: ignored
    expect(merged.total).toBe(100);
    expect(merged.max).toBe(5000);
    expect(merged.quantile(0.25)).toBeLessThan(110);
    expect(merged.quantile(0.75)).toBeGreaterThan(4800);
  });
});
