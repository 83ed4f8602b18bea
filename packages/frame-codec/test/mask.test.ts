import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskInPlace, nativeMaskingLoaded, unmaskInto } from '../src/index.js';

function reference(bytes: Uint8Array, mask: Uint8Array, maskOffset: number): Uint8Array {
  return bytes.map((b, i) => b ^ mask[(i + maskOffset) % 4]!);
}

describe('masking', () => {
  it('matches a byte-by-byte XOR at every alignment, length and mask offset', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat(7),
        fc.nat(7),
        fc.nat(3),
        (data, mask, sourcePad, targetPad, maskOffset) => {
          const source = new Uint8Array(sourcePad + data.length);
          source.set(data, sourcePad);
          const sourceCopy = source.slice();
          const target = new Uint8Array(targetPad + data.length + 3);
          unmaskInto(source, sourcePad, target, targetPad, data.length, mask, maskOffset);
          expect(target.subarray(targetPad, targetPad + data.length)).toEqual(
            reference(data, mask, maskOffset),
          );
          expect(target.subarray(targetPad + data.length)).toEqual(new Uint8Array(3));
          expect(source).toEqual(sourceCopy);

          const inPlace = source.slice();
          maskInPlace(inPlace, sourcePad, data.length, mask, maskOffset);
          expect(inPlace.subarray(sourcePad)).toEqual(reference(data, mask, maskOffset));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('unmasks a payload split into pieces when given the running offset', () => {
    const mask = Uint8Array.of(1, 2, 3, 4);
    const data = new Uint8Array(101).map((_, i) => i);
    const out = new Uint8Array(101);
    let at = 0;
    for (const size of [1, 3, 17, 40, 40]) {
      unmaskInto(data, at, out, at, size, mask, at);
      at += size;
    }
    expect(out).toEqual(reference(data, mask, 0));
  });
});

describe('native masking', () => {
  it('is loaded exactly when bufferutil is installed and not disabled', () => {
    expect(nativeMaskingLoaded).toBe(process.env.LAPPS_NO_BUFFERUTIL === undefined);
  });
});
