import { describe, expect, it } from 'vitest';
import { RestartBackoff } from '../src/restart-backoff.js';

describe('RestartBackoff', () => {
  const options = { initialMs: 250, maxMs: 2000, stableAfterMs: 30_000 };

  it('doubles after each quick exit, up to the cap', () => {
    const backoff = new RestartBackoff(options);
    const delays = Array.from({ length: 6 }, () => backoff.delayAfter(100));
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  it('starts over once a worker stayed up long enough', () => {
    const backoff = new RestartBackoff(options);
    backoff.delayAfter(100);
    backoff.delayAfter(100);
    expect(backoff.delayAfter(30_000)).toBe(250);
    expect(backoff.delayAfter(100)).toBe(500);
  });
});
