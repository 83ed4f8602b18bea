import { nativeMasking } from './native.js';
import { wordsOf } from './word-view.js';

/**
 * Masking (RFC 6455 section 5.3): payload byte i is XOR-ed with mask byte (i mod 4). The same
 * operation masks and unmasks.
 *
 * `maskOffset` is how many payload bytes were already processed before this call (only its value
 * mod 4 matters), so a payload that arrives in several pieces can be unmasked piece by piece.
 */

// Below this many bytes a byte loop beats setting up the word loop.
const WORD_LOOP_MIN = 16;
// Below this many bytes a byte loop beats the call into the addon (measured: ~80 ns per call).
const NATIVE_MIN = 64;

const rotated = new Uint8Array(4);
const maskBytes = new Uint8Array(4);
const maskWord = new Uint32Array(maskBytes.buffer);

/** The mask as seen from payload byte `k` (mod 4) onwards. */
function rotate(mask: Uint8Array, k: number): Uint8Array {
  if (k === 0) return mask;
  rotated[0] = mask[k]!;
  rotated[1] = mask[(k + 1) & 3]!;
  rotated[2] = mask[(k + 2) & 3]!;
  rotated[3] = mask[(k + 3) & 3]!;
  return rotated;
}

/** XOR `length` bytes of `buffer` from `offset` with `mask`, in place. */
export function maskInPlace(
  buffer: Uint8Array,
  offset: number,
  length: number,
  mask: Uint8Array,
  maskOffset = 0,
): void {
  const k = maskOffset & 3;
  if (nativeMasking !== undefined && length >= NATIVE_MIN) {
    nativeMasking.unmask(buffer.subarray(offset, offset + length), rotate(mask, k));
  } else if (length < WORD_LOOP_MIN) {
    maskBytesInPlace(buffer, offset, offset + length, mask, k);
  } else {
    maskWordsInPlace(buffer, offset, length, mask, k);
  }
}

/**
 * Copy `length` bytes from `source` at `sourceOffset` into `target` at `targetOffset`, XOR-ing them
 * with `mask`. The source is left untouched, so a shared read buffer can be unmasked straight into a
 * message's own buffer.
 */
export function unmaskInto(
  source: Uint8Array,
  sourceOffset: number,
  target: Uint8Array,
  targetOffset: number,
  length: number,
  mask: Uint8Array,
  maskOffset = 0,
): void {
  const k = maskOffset & 3;
  if (nativeMasking !== undefined && length >= NATIVE_MIN) {
    const input =
      sourceOffset === 0 && length === source.length
        ? source
        : source.subarray(sourceOffset, sourceOffset + length);
    nativeMasking.mask(input, rotate(mask, k), target, targetOffset, length);
  } else if (length < WORD_LOOP_MIN) {
    for (let i = 0, m = k; i < length; i++, m = (m + 1) & 3) {
      target[targetOffset + i] = source[sourceOffset + i]! ^ mask[m]!;
    }
  } else {
    // A native copy and an aligned word loop over the target beat a byte loop that reads an
    // unaligned source: the frame header leaves the payload at any offset of the read buffer.
    target.set(source.subarray(sourceOffset, sourceOffset + length), targetOffset);
    maskWordsInPlace(target, targetOffset, length, mask, k);
  }
}

function maskBytesInPlace(
  buffer: Uint8Array,
  from: number,
  to: number,
  mask: Uint8Array,
  k: number,
): void {
  for (let i = from; i < to; i++, k = (k + 1) & 3) buffer[i] = buffer[i]! ^ mask[k]!;
}

/** Bytes until the address is word-aligned, then whole words, then the tail. */
function maskWordsInPlace(
  buffer: Uint8Array,
  offset: number,
  length: number,
  mask: Uint8Array,
  k: number,
): void {
  const base = buffer.byteOffset;
  const end = offset + length;
  const head = Math.min(length, (4 - ((base + offset) & 3)) & 3);
  maskBytesInPlace(buffer, offset, offset + head, mask, k);
  k = (k + head) & 3;
  maskBytes[0] = mask[k]!;
  maskBytes[1] = mask[(k + 1) & 3]!;
  maskBytes[2] = mask[(k + 2) & 3]!;
  maskBytes[3] = mask[(k + 3) & 3]!;
  const first = (base + offset + head) >>> 2;
  const count = (length - head) >>> 2;
  xorWords(wordsOf(buffer.buffer), first, first + count, maskWord[0]! | 0);
  // Whole words leave the mask phase unchanged for the tail.
  maskBytesInPlace(buffer, offset + head + count * 4, end, mask, k);
}

function xorWords(words: Uint32Array, from: number, to: number, m: number): void {
  let w = from;
  for (; w + 4 <= to; w += 4) {
    words[w] = words[w]! ^ m;
    words[w + 1] = words[w + 1]! ^ m;
    words[w + 2] = words[w + 2]! ^ m;
    words[w + 3] = words[w + 3]! ^ m;
  }
  for (; w < to; w++) words[w] = words[w]! ^ m;
}

/** Whether masking uses the native `bufferutil` addon in this process. */
export const nativeMaskingLoaded: boolean = nativeMasking !== undefined;
