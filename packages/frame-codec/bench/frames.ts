import { deepStrictEqual } from 'node:assert/strict';

/**
 * Inputs for the benchmarks, built by a reference encoder written from RFC 6455 section 5.2 and
 * independent of `src/`: a bug in the serializer must not be able to hide the same bug in the
 * parser it is benchmarked with. The encoder and decoder are checked against the examples of
 * section 5.7 when this module loads.
 */

/** A frame as the reference decoder sees it; `payload` is unmasked. */
export interface DecodedFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** Deterministic pseudo-random bytes (xorshift32), so every run times the same input. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Masking key number `index`: deterministic, different per frame, and never all zero (ws skips
 * unmasking for a zero key, which would time less work than a real client's frames cost).
 */
export function maskKey(index: number): Buffer {
  const key = pseudoRandomBytes(4, 0x9e3779b9 ^ Math.imul(index + 1, 0x85ebca6b));
  if ((key[0]! | key[1]! | key[2]! | key[3]!) === 0) key[0] = 1;
  return key;
}

/** One frame: header, then the payload (masked with `mask` when one is given). */
export function encodeFrame(
  opcode: number,
  payload: Uint8Array,
  mask?: Uint8Array,
  fin = true,
): Buffer {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const header = 2 + extended + (mask ? 4 : 0);
  const out = Buffer.allocUnsafe(header + length);
  out[0] = (fin ? 0x80 : 0) | opcode;
  const maskBit = mask ? 0x80 : 0;
  if (extended === 0) {
    out[1] = maskBit | length;
  } else if (extended === 2) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = maskBit | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  if (mask) {
    out.set(mask.subarray(0, 4), 2 + extended);
    for (let i = 0; i < length; i++) out[header + i] = payload[i]! ^ mask[i & 3]!;
  } else {
    out.set(payload, header);
  }
  return out;
}

/** Splits `bytes` into frames; throws on a truncated frame. */
export function decodeFrames(bytes: Uint8Array): DecodedFrame[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const frames: DecodedFrame[] = [];
  let p = 0;
  while (p < view.length) {
    if (view.length - p < 2) throw new Error(`truncated header at byte ${p}`);
    const b0 = view[p]!;
    const b1 = view[p + 1]!;
    let length = b1 & 0x7f;
    let q = p + 2;
    if (length === 126) {
      length = view.readUInt16BE(q);
      q += 2;
    } else if (length === 127) {
      length = Number(view.readBigUInt64BE(q));
      q += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const mask = masked ? view.subarray(q, q + 4) : undefined;
    if (masked) q += 4;
    if (q + length > view.length) throw new Error(`truncated payload of the frame at byte ${p}`);
    const payload = Buffer.from(view.subarray(q, q + length));
    if (mask) for (let i = 0; i < length; i++) payload[i] = payload[i]! ^ mask[i & 3]!;
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, masked, payload });
    p = q + length;
  }
  return frames;
}

/** `text` as exactly `size` bytes of UTF-8: the characters in turn, then ASCII padding. */
function utf8Text(size: number, characters: readonly string[]): Buffer {
  const out = Buffer.alloc(size, 'x');
  let at = 0;
  for (let i = 0; ; i++) {
    const bytes = Buffer.from(characters[i % characters.length]!, 'utf8');
    if (at + bytes.length > size) break;
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Printable ASCII text of `size` bytes. */
export function asciiText(size: number): Buffer {
  return utf8Text(size, ['The quick brown fox jumps over the lazy dog. ']);
}

/** Text of `size` bytes mixing 1-, 2-, 3- and 4-byte characters (Latin, Greek, CJK, emoji). */
export function mixedText(size: number): Buffer {
  return utf8Text(size, ['a', 'é', 'ж', '€', '中', '😀', ' ', 'Ω', '𝄞', 'ü', 'ね', '!']);
}

// RFC 6455 section 5.7: the reference codec must reproduce the RFC's own bytes.
const hello = Buffer.from('Hello');
const rfcMask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
deepStrictEqual(encodeFrame(0x1, hello), Buffer.from('810548656c6c6f', 'hex'));
deepStrictEqual(encodeFrame(0x1, hello, rfcMask), Buffer.from('818537fa213d7f9f4d5158', 'hex'));
deepStrictEqual(encodeFrame(0x2, Buffer.alloc(256)).subarray(0, 4), Buffer.from('827e0100', 'hex'));
deepStrictEqual(
  encodeFrame(0x2, Buffer.alloc(65536)).subarray(0, 10),
  Buffer.from('827f0000000000010000', 'hex'),
);
deepStrictEqual(decodeFrames(Buffer.from('818537fa213d7f9f4d5158', 'hex')), [
  { fin: true, opcode: 1, masked: true, payload: hello },
]);
