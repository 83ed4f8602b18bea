import { wordsOf } from './word-view.js';

/**
 * Masking (RFC 6455 section 5.3): payload byte i is XOR-ed with mask byte (i mod 4). The same
 * operation masks and unmasks.
 *
 * `maskOffset` is how many payload bytes were already processed before this call (only its value
 * mod 4 matters), so a payload that arrives in several pieces can be unmasked piece by piece.
 */

// Below this many bytes a plain byte loop beats setting up the word loop.
const WORD_LOOP_MIN = 16;

// Scratch used to build the rotated mask as one machine word in the platform's byte order.
const maskBytes = new Uint8Array(4);
const maskWord = new Uint32Array(maskBytes.buffer);

/** XOR `length` bytes of `buffer` from `offset` with `mask`, in place. */
export function maskInPlace(
  buffer: Uint8Array,
  offset: number,
  length: number,
  mask: Uint8Array,
  maskOffset = 0,
): void {
  let i = offset;
  const end = offset + length;
  let k = maskOffset & 3;
  if (length >= WORD_LOOP_MIN) {
    // Bytes until the address is word-aligned, then whole words, then the tail.
    while (((buffer.byteOffset + i) & 3) !== 0) {
      buffer[i] = buffer[i]! ^ mask[k]!;
      i++;
      k = (k + 1) & 3;
    }
    maskBytes[0] = mask[k]!;
    maskBytes[1] = mask[(k + 1) & 3]!;
    maskBytes[2] = mask[(k + 2) & 3]!;
    maskBytes[3] = mask[(k + 3) & 3]!;
    const m = maskWord[0]!;
    const words = wordsOf(buffer.buffer);
    let w = (buffer.byteOffset + i) >>> 2;
    const wordEnd = w + ((end - i) >>> 2);
    while (w < wordEnd) {
      words[w] = words[w]! ^ m;
      w++;
    }
    i = (w << 2) - buffer.byteOffset;
    // The word loop consumed a multiple of 4 bytes, so `k` is unchanged for the tail.
  }
  while (i < end) {
    buffer[i] = buffer[i]! ^ mask[k]!;
    i++;
    k = (k + 1) & 3;
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
  if (length < WORD_LOOP_MIN) {
    let k = maskOffset & 3;
    for (let i = 0; i < length; i++) {
      target[targetOffset + i] = source[sourceOffset + i]! ^ mask[k]!;
      k = (k + 1) & 3;
    }
    return;
  }
  // A native copy and an aligned word loop over the target beat a byte loop that reads an
  // unaligned source: the frame header leaves the payload at any offset of the read buffer.
  target.set(source.subarray(sourceOffset, sourceOffset + length), targetOffset);
  maskInPlace(target, targetOffset, length, mask, maskOffset);
}
