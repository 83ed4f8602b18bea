import { equal } from 'node:assert/strict';
import { isValidUtf8, Utf8Validator } from '../src/index.js';
import { type Comparison, type Contender, opsPerCallFor } from './compare.js';
import { asciiText, mixedText } from './frames.js';
import { wsIsValidUtf8 } from './ws-baseline.js';

/**
 * UTF-8 validation of 1 KiB of text: ours in one call (`isValidUtf8`) and fed in 3 pieces as a
 * fragmented message arrives (`Utf8Validator`), against ws's `isValidUTF8` in one call, which is
 * node's `buffer.isUtf8` (simdutf). Mixed text is cut twice: between characters, and inside them
 * as socket reads cut it, so that the validator's carry-over from piece to piece is timed too.
 */

const SIZE = 1024;

export function utf8Comparisons(): Comparison[] {
  const rows: Comparison[] = [];
  for (const [kind, text] of [
    ['ASCII', asciiText(SIZE)],
    ['mixed 1-4 byte', mixedText(SIZE)],
  ] as const) {
    const count = opsPerCallFor(SIZE);
    const shape = { opsPerCall: count, bytesPerCall: count * SIZE };
    const ws = wsContender(text, count);
    const between = cutsOf(text, false);
    assertValidators(text, between);
    rows.push(
      { name: `utf8 ${kind} 1 KiB, isValidUtf8`, ...shape, ours: oneCall(text, count), ws },
      {
        name: `utf8 ${kind} 1 KiB, Utf8Validator, 3 pieces`,
        ...shape,
        ours: inPieces(text, between, count),
        ws,
      },
    );
    if (text.some((byte) => byte >= 0x80)) {
      const inside = cutsOf(text, true);
      assertValidators(text, inside);
      rows.push({
        name: `utf8 ${kind} 1 KiB, Utf8Validator, 3 pieces cut in a character`,
        ...shape,
        ours: inPieces(text, inside, count),
        ws,
      });
    }
  }
  return rows;
}

/** Two cut points at or just after a third and two thirds: inside a character, or between two. */
function cutsOf(text: Buffer, insideCharacter: boolean): [number, number] {
  const cut = (near: number) => {
    for (let i = near; i < near + 4; i++) {
      if (((text[i]! & 0xc0) === 0x80) === insideCharacter) return i;
    }
    throw new Error(`no cut ${insideCharacter ? 'inside' : 'between'} characters near ${near}`);
  };
  return [cut(Math.floor(text.length / 3)), cut(Math.floor((2 * text.length) / 3))];
}

function oneCall(text: Buffer, count: number): Contender {
  let calls = 0;
  let valid = 0;
  return {
    run() {
      for (let i = 0; i < count; i++) if (isValidUtf8(text)) valid++;
      calls++;
    },
    verify() {
      equal(valid, calls * count);
    },
  };
}

function inPieces(text: Buffer, [a, b]: [number, number], count: number): Contender {
  const validator = new Utf8Validator();
  const end = text.length;
  let calls = 0;
  let valid = 0;
  return {
    run() {
      for (let i = 0; i < count; i++) {
        if (
          validator.update(text, 0, a) &&
          validator.update(text, a, b) &&
          validator.update(text, b, end)
        ) {
          if (validator.complete) valid++;
        }
        validator.reset();
      }
      calls++;
    },
    verify() {
      equal(valid, calls * count);
    },
  };
}

function wsContender(text: Buffer, count: number): Contender {
  let calls = 0;
  let valid = 0;
  return {
    run() {
      for (let i = 0; i < count; i++) if (wsIsValidUtf8(text)) valid++;
      calls++;
    },
    verify() {
      equal(valid, calls * count);
    },
  };
}

/** All three accept the text and reject it once broken, at the start, the middle and the end. */
function assertValidators(text: Buffer, cuts: [number, number]): void {
  const inPiecesValid = (bytes: Buffer) => {
    const v = new Utf8Validator();
    return (
      v.update(bytes, 0, cuts[0]) &&
      v.update(bytes, cuts[0], cuts[1]) &&
      v.update(bytes, cuts[1]) &&
      v.complete
    );
  };
  const all = (bytes: Buffer) => [isValidUtf8(bytes), inPiecesValid(bytes), wsIsValidUtf8(bytes)];
  equal(text.length, SIZE);
  equal(all(text).join(), 'true,true,true');
  const broken: [string, number, number[]][] = [
    ['a UTF-16 surrogate', 0, [0xed, 0xa0, 0x80]],
    ['an overlong "/"', Math.floor(SIZE / 2), [0xc0, 0xaf]],
    ['a truncated 4-byte character', SIZE - 3, [0xf0, 0x9f, 0x98]],
  ];
  for (const [what, at, bytes] of broken) {
    // The same edit with spaces must stay valid, so that only `bytes` can make the text invalid.
    equal(
      all(
        overwrite(
          text,
          at,
          bytes.map(() => 0x20),
        ),
      ).join(),
      'true,true,true',
    );
    equal(
      all(overwrite(text, at, bytes)).join(),
      'false,false,false',
      `${what} at byte ${at} is rejected`,
    );
  }
}

/** `text` with `bytes` at `at`, and spaces over the characters the edit would cut in two. */
function overwrite(text: Buffer, at: number, bytes: number[]): Buffer {
  const copy = Buffer.from(text);
  const continuation = (i: number) => (copy[i]! & 0xc0) === 0x80;
  let start = at;
  while (start > 0 && continuation(start)) start--;
  copy.fill(0x20, start, at);
  copy.set(bytes, at);
  for (let i = at + bytes.length; i < copy.length && continuation(i); i++) copy[i] = 0x20;
  return copy;
}
