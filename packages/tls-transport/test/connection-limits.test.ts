import { describe, expect, it } from 'vitest';
import { ConnectionLimits } from '../src/connection-limits.js';

describe('ConnectionLimits', () => {
  it('counts admitted connections and refuses over the total cap', () => {
    const limits = new ConnectionLimits(2, Number.POSITIVE_INFINITY);
    expect(limits.admit('a')).toBeUndefined();
    expect(limits.admit('b')).toBeUndefined();
    expect(limits.admit('c')).toBe('max-connections');
    expect(limits.total).toBe(2);
    limits.release('a');
    expect(limits.admit('c')).toBeUndefined();
  });

  it('refuses over the per-address cap and frees the slot on release', () => {
    const limits = new ConnectionLimits(Number.POSITIVE_INFINITY, 1);
    expect(limits.admit('a')).toBeUndefined();
    expect(limits.admit('a')).toBe('max-per-address');
    expect(limits.admit('b')).toBeUndefined();
    limits.release('a');
    expect(limits.admit('a')).toBeUndefined();
    expect(limits.total).toBe(2);
  });

  it('ignores a release for an address it does not count', () => {
    const limits = new ConnectionLimits(1, 1);
    limits.release('nobody');
    expect(limits.total).toBe(0);
    expect(limits.admit('a')).toBeUndefined();
  });

  it('a cap of 0 refuses everyone', () => {
    expect(new ConnectionLimits(0, 5).admit('a')).toBe('max-connections');
  });
});
