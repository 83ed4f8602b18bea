import { wordsOf } from './word-view.js';

/**
 * UTF-8 validation (RFC 3629 section 4) that can be fed a message piece by piece and fails on the
 * first byte that no valid continuation could follow, which is what "fail fast" means for
 * RFC 6455 section 8.1 (Autobahn 6.4.x): an invalid text frame is rejected in the fragment, even the
 * chunk, where the bad byte arrives.
 *
 * The automaton below is built from the RFC 3629 grammar rather than typed in as a table:
 *   UTF8-2 = %xC2-DF tail
 *   UTF8-3 = %xE0 %xA0-BF tail / %xE1-EC 2tail / %xED %x80-9F tail / %xEE-EF 2tail
 *   UTF8-4 = %xF0 %x90-BF 2tail / %xF1-F3 3tail / %xF4 %x80-8F 2tail
 */
const ACCEPT = 0;
const REJECT = 1;
const TAIL1 = 2; // one tail byte (80-BF) missing
const TAIL2 = 3;
const TAIL3 = 4;
const AFTER_E0 = 5; // needs A0-BF, then a tail (no overlong 3-byte forms)
const AFTER_ED = 6; // needs 80-9F, then a tail (no UTF-16 surrogates)
const AFTER_F0 = 7; // needs 90-BF, then 2 tails (no overlong 4-byte forms)
const AFTER_F4 = 8; // needs 80-8F, then 2 tails (nothing above U+10FFFF)
const STATES = 9;

const transitions = buildTransitions();

function buildTransitions(): Uint8Array {
  const t = new Uint8Array(STATES * 256).fill(REJECT);
  const range = (state: number, from: number, to: number, next: number) => {
    for (let b = from; b <= to; b++) t[state * 256 + b] = next;
  };
  range(ACCEPT, 0x00, 0x7f, ACCEPT);
  range(ACCEPT, 0xc2, 0xdf, TAIL1);
  range(ACCEPT, 0xe0, 0xe0, AFTER_E0);
  range(ACCEPT, 0xe1, 0xec, TAIL2);
  range(ACCEPT, 0xed, 0xed, AFTER_ED);
  range(ACCEPT, 0xee, 0xef, TAIL2);
  range(ACCEPT, 0xf0, 0xf0, AFTER_F0);
  range(ACCEPT, 0xf1, 0xf3, TAIL3);
  range(ACCEPT, 0xf4, 0xf4, AFTER_F4);
  range(TAIL1, 0x80, 0xbf, ACCEPT);
  range(TAIL2, 0x80, 0xbf, TAIL1);
  range(TAIL3, 0x80, 0xbf, TAIL2);
  range(AFTER_E0, 0xa0, 0xbf, TAIL1);
  range(AFTER_ED, 0x80, 0x9f, TAIL1);
  range(AFTER_F0, 0x90, 0xbf, TAIL2);
  range(AFTER_F4, 0x80, 0x8f, TAIL2);
  return t;
}

type IsUtf8 = (input: Uint8Array) => boolean;

// Node (>= 18.14) validates with simdutf; use it where it exists, through getBuiltinModule so that
// this module still loads in browsers. Below this size the call costs more than the JS loop.
const NATIVE_MIN = 64;
const nativeIsUtf8: IsUtf8 | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:buffer') as { isUtf8?: IsUtf8 } | undefined;
  return typeof mod?.isUtf8 === 'function' ? mod.isUtf8 : undefined;
})();

/** The length of the sequence that `lead` starts, or 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead < 0xc2) return 0;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  if (lead < 0xf5) return 4;
  return 0;
}

/** Runs the automaton over bytes[start, end) from `state`; ASCII runs go a word at a time. */
function step(bytes: Uint8Array, start: number, end: number, state: number): number {
  const base = bytes.byteOffset;
  let i = start;
  while (i < end) {
    if (state === ACCEPT) {
      // Skip ASCII: bytes until aligned, then four at a time.
      while (i < end && ((base + i) & 3) !== 0 && bytes[i]! < 0x80) i++;
      if (end - i >= 8 && ((base + i) & 3) === 0) i = skipAsciiWords(bytes, base, i, end);
      while (i < end && bytes[i]! < 0x80) i++;
      if (i === end) break;
    }
    state = transitions[(state << 8) | bytes[i]!]!;
    if (state === REJECT) return REJECT;
    i++;
  }
  return state;
}

/** From an aligned `i`, the index of the first word of bytes[i, end) that holds a non-ASCII byte. */
function skipAsciiWords(bytes: Uint8Array, base: number, i: number, end: number): number {
  const words = wordsOf(bytes.buffer);
  let w = (base + i) >>> 2;
  const wordEnd = (base + end) >>> 2;
  while (w < wordEnd && (words[w]! & 0x80808080) === 0) w++;
  return (w << 2) - base;
}

/**
 * Incremental UTF-8 validator. Feed each piece of a message to `update`; it returns `false` as soon
 * as the bytes so far cannot be the start of valid UTF-8. `complete` tells whether the bytes fed so
 * far end on a character boundary (check it when the message ends).
 */
export class Utf8Validator {
  private state = ACCEPT;

  /** Validates bytes[start, end) as the continuation of everything fed before. */
  update(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    let state = this.state;
    if (state === REJECT) return false;
    if (nativeIsUtf8 !== undefined && end - start >= NATIVE_MIN) {
      // Finish a character the previous piece left open (at most 3 bytes), so that the rest
      // starts on a character boundary and can go to simdutf.
      while (state !== ACCEPT && state !== REJECT && start < end) {
        state = transitions[(state << 8) | bytes[start++]!]!;
      }
      if (state === ACCEPT && end - start >= NATIVE_MIN) {
        // Hand whole characters to simdutf; keep an unfinished last character for the automaton.
        let p = end;
        for (let k = 0; k < 4 && p > start; k++) {
          p--;
          if ((bytes[p]! & 0xc0) !== 0x80) break;
        }
        const whole = sequenceLength(bytes[p]!) === end - p ? end : p;
        if (!nativeIsUtf8(bytes.subarray(start, whole))) state = REJECT;
        start = whole;
      }
      if (state === REJECT) {
        this.state = REJECT;
        return false;
      }
    }
    state = step(bytes, start, end, state);
    this.state = state;
    return state !== REJECT;
  }

  /** Whether the input so far is valid and ends on a character boundary. */
  get complete(): boolean {
    return this.state === ACCEPT;
  }

  reset(): void {
    this.state = ACCEPT;
  }
}

/** Whether bytes[start, end) is, on its own, complete and valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  if (nativeIsUtf8 !== undefined && end - start >= NATIVE_MIN) {
    return nativeIsUtf8(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
  }
  return step(bytes, start, end, ACCEPT) === ACCEPT;
}
