import { type Allocate, defaultAllocate } from './allocate.js';
import { isValidCloseCode } from './close-codes.js';
import { FrameError } from './errors.js';
import { unmaskInto } from './mask.js';
import { writeMaskKey } from './mask-keys.js';
import { Opcode } from './opcodes.js';
import type { Role } from './parser.js';

export interface SerializerOptions {
  /** Servers send unmasked frames; clients mask every frame with a fresh key. */
  role: Role;
  /** Allocator for the frames `frame()` returns (default: `Buffer.allocUnsafe` where it exists). */
  allocate?: Allocate;
  /** Source of masking keys (default: a pooled `crypto.getRandomValues`); for tests. */
  writeMaskKey?: (target: Uint8Array, offset: number) => void;
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const MAX_CONTROL_PAYLOAD = 125;

/** Bytes of the header of a frame with `payloadLength` bytes of payload. */
export function headerLength(payloadLength: number, masked: boolean): number {
  return (payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Builds frames (RFC 6455 section 5.2). `frame()` returns header and payload as one buffer, which a
 * socket sends in one write; `writeHeader()` and `frameInto()` write into a caller's buffer for
 * batching (see `FrameBatch`).
 *
 * Payloads are not validated: a text frame's payload must already be UTF-8.
 */
export class FrameSerializer {
  readonly masked: boolean;
  private readonly allocate: Allocate;
  private readonly writeMaskKey: (target: Uint8Array, offset: number) => void;
  // The masking key of the last header written, kept apart so masking needs no view of the header.
  private readonly key = new Uint8Array(4);

  constructor(options: SerializerOptions) {
    this.masked = options.role === 'client';
    this.allocate = options.allocate ?? defaultAllocate;
    this.writeMaskKey = options.writeMaskKey ?? writeMaskKey;
  }

  /**
   * Writes the header of a frame into `target` at `offset` (in client role with a fresh masking
   * key as its last 4 bytes) and returns the header's length.
   */
  writeHeader(
    target: Uint8Array,
    offset: number,
    opcode: Opcode,
    payloadLength: number,
    fin = true,
  ): number {
    checkFrame(opcode, payloadLength, fin);
    target[offset] = (fin ? 0x80 : 0) | opcode;
    const maskBit = this.masked ? 0x80 : 0;
    let p = offset + 2;
    if (payloadLength < 126) {
      target[offset + 1] = maskBit | payloadLength;
    } else if (payloadLength < 0x10000) {
      target[offset + 1] = maskBit | 126;
      target[offset + 2] = payloadLength >>> 8;
      target[offset + 3] = payloadLength & 0xff;
      p += 2;
    } else {
      target[offset + 1] = maskBit | 127;
      const high = Math.floor(payloadLength / 0x100000000);
      target[offset + 2] = high >>> 24;
      target[offset + 3] = (high >>> 16) & 0xff;
      target[offset + 4] = (high >>> 8) & 0xff;
      target[offset + 5] = high & 0xff;
      target[offset + 6] = payloadLength >>> 24;
      target[offset + 7] = (payloadLength >>> 16) & 0xff;
      target[offset + 8] = (payloadLength >>> 8) & 0xff;
      target[offset + 9] = payloadLength & 0xff;
      p += 8;
    }
    if (this.masked) {
      const key = this.key;
      this.writeMaskKey(key, 0);
      target[p] = key[0]!;
      target[p + 1] = key[1]!;
      target[p + 2] = key[2]!;
      target[p + 3] = key[3]!;
      p += 4;
    }
    return p - offset;
  }

  /**
   * Writes a whole frame (header, then the payload, masked in client role) into `target` at
   * `offset`; returns the bytes written. `target` needs `headerLength(...) + payload.length` room.
   */
  frameInto(
    target: Uint8Array,
    offset: number,
    opcode: Opcode,
    payload: Uint8Array,
    fin = true,
  ): number {
    const length = payload.length;
    const h = this.writeHeader(target, offset, opcode, length, fin);
    const at = offset + h;
    if (this.masked) {
      // Copy and mask in one pass, leaving `payload` intact.
      unmaskInto(payload, 0, target, at, length, this.key, 0);
    } else if (length > 0) {
      target.set(payload, at);
    }
    return h + length;
  }

  /** One frame as one buffer: header and payload (masked in client role). */
  frame(opcode: Opcode, payload: Uint8Array = EMPTY, fin = true): Uint8Array {
    const out = this.allocate(headerLength(payload.length, this.masked) + payload.length);
    this.frameInto(out, 0, opcode, payload, fin);
    return out;
  }

  ping(payload: Uint8Array = EMPTY): Uint8Array {
    return this.frame(Opcode.Ping, payload);
  }

  pong(payload: Uint8Array = EMPTY): Uint8Array {
    return this.frame(Opcode.Pong, payload);
  }

  /** A close frame; without a code its payload is empty (the peer reports 1005). */
  close(code?: number, reason = ''): Uint8Array {
    return this.frame(Opcode.Close, closePayload(code, reason));
  }
}

/**
 * The payload of a close frame: the code in network order, then the reason in UTF-8.
 * Throws a FrameError for a code that may not be sent or a reason over 123 bytes.
 */
export function closePayload(code?: number, reason = ''): Uint8Array {
  if (code === undefined) {
    if (reason !== '')
      throw new FrameError('LAPPS_ERR_INVALID_ARGUMENT', 'a close reason needs a close code');
    return EMPTY;
  }
  if (!Number.isInteger(code) || !isValidCloseCode(code)) {
    throw new FrameError('LAPPS_ERR_INVALID_CLOSE_CODE', `close code ${code} may not be sent`);
  }
  const out = new Uint8Array(2 + reason.length * 3);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  const { written } = encoder.encodeInto(reason, out.subarray(2));
  if (written > MAX_CONTROL_PAYLOAD - 2) {
    throw new FrameError(
      'LAPPS_ERR_CLOSE_REASON_TOO_LONG',
      `close reason of ${written} bytes exceeds 123`,
    );
  }
  return out.subarray(0, 2 + written);
}

function checkFrame(opcode: number, length: number, fin: boolean): void {
  if (opcode >= 8) {
    if (opcode > Opcode.Pong)
      throw new FrameError('LAPPS_ERR_INVALID_ARGUMENT', `unknown opcode ${opcode}`);
    if (!fin)
      throw new FrameError('LAPPS_ERR_INVALID_ARGUMENT', 'control frames cannot be fragmented');
    if (length > MAX_CONTROL_PAYLOAD) {
      throw new FrameError(
        'LAPPS_ERR_INVALID_ARGUMENT',
        `control frame payload of ${length} bytes exceeds 125`,
      );
    }
  } else if (opcode > Opcode.Binary) {
    throw new FrameError('LAPPS_ERR_INVALID_ARGUMENT', `unknown opcode ${opcode}`);
  }
}
