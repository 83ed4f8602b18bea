import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidUtf8, Utf8Validator } from '../src/index.js';
import { hex } from './recorder.js';

const strict = new TextDecoder('utf-8', { fatal: true });
function reference(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('UTF-8 validation', () => {
  const invalid = [
    'c0 af', // overlong "/"
    'e0 80 af', // overlong
    'f0 80 80 af', // overlong
    'ed a0 80', // U+D800 surrogate
    'ed bf bf', // U+DFFF surrogate
    'f4 90 80 80', // above U+10FFFF
    'f5 80 80 80',
    'fe',
    'ff',
    '80', // lone continuation
    'c2 41', // missing continuation
    'e2 82', // truncated
    'ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64', // Autobahn 6.3.1
  ];
  const valid = [
    '',
    '41',
    'c2 80',
    'df bf',
    'e0 a0 80',
    'ef bf bf',
    'ed 9f bf',
    'ee 80 80',
    'f0 90 80 80',
    'f4 8f bf bf',
  ];

  for (const h of invalid) it(`rejects ${h}`, () => expect(isValidUtf8(hex(h))).toBe(false));
  for (const h of valid)
    it(`accepts ${h || 'empty'}`, () => expect(isValidUtf8(hex(h))).toBe(true));

  it('agrees with a fatal TextDecoder on random and mutated input, whole and in pieces', () => {
    const mostlyText = fc
      .tuple(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      )
      .map(([text, edits]) => {
        const bytes = new TextEncoder().encode(text);
        for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
        return bytes;
      });
    fc.assert(
      fc.property(
        fc.oneof(mostlyText, fc.uint8Array({ maxLength: 200 })),
        fc.array(fc.nat(), { maxLength: 5 }),
        (bytes, cuts) => {
          const expected = reference(bytes);
          expect(isValidUtf8(bytes)).toBe(expected);
          const validator = new Utf8Validator();
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort(
            (a, b) => a - b,
          );
          let from = 0;
          let ok = true;
          for (const to of [...points, bytes.length]) {
            ok = validator.update(bytes, from, to) && ok;
            from = to;
          }
          expect(ok && validator.complete).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('fails at the first byte that cannot lead to valid text', () => {
    const bytes = hex('41 42 f4 90 80 80');
    for (let end = 0; end <= bytes.length; end++) {
      expect(new Utf8Validator().update(bytes, 0, end)).toBe(end < 4);
    }
  });

  it('checks long ASCII runs at any alignment', () => {
    const text = new TextEncoder().encode('a'.repeat(1000));
    for (let offset = 0; offset < 4; offset++) {
      const padded = new Uint8Array(offset + 1001);
      padded.set(text, offset);
      padded[offset + 1000] = 0x80;
      expect(isValidUtf8(padded, offset, offset + 1000)).toBe(true);
      expect(isValidUtf8(padded, offset, offset + 1001)).toBe(false);
    }
  });
});
