import type { BinaryType } from './binary-type.js';

const utf8 = new TextDecoder();

/**
 * A text message's payload as a string. The parser has validated the UTF-8 already. Payloads are
 * Buffers in Node (views of a 'data' chunk, or from the parser's Buffer-backed allocator), whose
 * toString is the fastest decoder; TextDecoder covers anything else.
 */
export function textMessage(payload: Uint8Array): string {
  return Buffer.isBuffer(payload)
    ? payload.toString('utf8', 0, payload.length)
    : utf8.decode(payload);
}

/** A binary message's payload as `binaryType` says (see BinaryType for what each one costs). */
export function binaryMessage(
  payload: Uint8Array,
  binaryType: BinaryType,
): Buffer | ArrayBuffer | Uint8Array {
  if (binaryType === 'nodebuffer') {
    return Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  }
  if (binaryType === 'uint8array') {
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.length);
  }
  const buffer = payload.buffer as ArrayBuffer;
  return payload.byteOffset === 0 && payload.length === buffer.byteLength
    ? buffer
    : buffer.slice(payload.byteOffset, payload.byteOffset + payload.length);
}
