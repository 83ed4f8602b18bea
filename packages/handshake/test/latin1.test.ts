import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1Bytes, latin1String, portableSlice } from '../src/latin1.js';

describe('latin1', () => {
  it('maps every byte to the char of the same code (not windows-1252)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const expected = String.fromCharCode(...all);
    expect(latin1String(all, 0, 256)).toBe(expected);
    expect(portableSlice(all, 0, 256)).toBe(expected);
    expect(latin1String(all, 0x80, 0x81)).toBe('\u0080'); // windows-1252 would give '€'
    expect(latin1Bytes(expected)).toEqual(all);
  });

  it('slices the same with Buffer and without, for any length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 10_000 }), fc.nat(), fc.nat(), (data, a, b) => {
        const start = Math.min(a, b) % (data.length + 1);
        const end = Math.max(start, Math.max(a, b) % (data.length + 1));
        expect(portableSlice(data, start, end)).toBe(latin1String(data, start, end));
        expect(latin1String(data, start, end)).toBe(
          Buffer.from(data.subarray(start, end)).toString('latin1'),
        );
      }),
      { numRuns: 50 },
    );
  });
});
