// The raw client's frames. The encoder can build frames a correct client never would (reserved
// bits, reserved opcodes, oversized control frames, unmasked frames, lying lengths), because the
// cases exist to send exactly those bytes. The decoder is lenient on purpose: instead of failing
// it records each server frame as it is, so the verdict can name what was wrong.
import { randomBytes } from 'node:crypto';

export const Op = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

export interface FrameOptions {
  opcode: number;
  payload?: Uint8Array | string;
  /** Defaults to true. */
  fin?: boolean;
  /** RSV1..RSV3 as a 3-bit number (RSV1 = 4, RSV2 = 2, RSV3 = 1), as Autobahn numbers them. */
  rsv?: number;
  /** Clients must mask (RFC 6455 5.3); defaults to true. */
  mask?: boolean;
  /** A payload length to announce instead of the real one. */
  declaredLength?: number;
}

export function toBytes(payload: Uint8Array | string | undefined): Buffer {
  if (payload === undefined) return Buffer.alloc(0);
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
}

/** One frame as it goes on the wire (RFC 6455 5.2). */
export function encodeFrame(options: FrameOptions): Buffer {
  const payload = toBytes(options.payload);
  const mask = options.mask ?? true;
  const length = options.declaredLength ?? payload.length;
  const extended = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + extended + (mask ? 4 : 0));
  header[0] =
    ((options.fin ?? true) ? 0x80 : 0) | (((options.rsv ?? 0) & 7) << 4) | (options.opcode & 0xf);
  if (extended === 0) header[1] = length;
  else if (extended === 2) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  header[1]! |= 0x80;
  const key = randomBytes(4);
  key.copy(header, 2 + extended);
  const masked = Buffer.allocUnsafe(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([header, masked]);
}

/** A close frame's payload: 2-byte code and UTF-8 reason (RFC 6455 5.5.1). */
export function closePayload(code?: number, reason: Uint8Array | string = ''): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code, 0);
  return Buffer.concat([head, toBytes(reason)]);
}

/** Shorthands the case tables read best with. */
export const frame = {
  text: (payload: Uint8Array | string, extra: Partial<FrameOptions> = {}) =>
    encodeFrame({ opcode: Op.Text, payload, ...extra }),
  binary: (payload: Uint8Array | string, extra: Partial<FrameOptions> = {}) =>
    encodeFrame({ opcode: Op.Binary, payload, ...extra }),
  continuation: (payload: Uint8Array | string, extra: Partial<FrameOptions> = {}) =>
    encodeFrame({ opcode: Op.Continuation, payload, ...extra }),
  ping: (payload: Uint8Array | string = '', extra: Partial<FrameOptions> = {}) =>
    encodeFrame({ opcode: Op.Ping, payload, ...extra }),
  pong: (payload: Uint8Array | string = '', extra: Partial<FrameOptions> = {}) =>
    encodeFrame({ opcode: Op.Pong, payload, ...extra }),
  close: (code?: number, reason: Uint8Array | string = '', extra: Partial<FrameOptions> = {}) =>
    encodeFrame({ opcode: Op.Close, payload: closePayload(code, reason), ...extra }),
};

/** `payload` split into frames of `size` bytes: a first frame of `opcode`, then continuations. */
export function fragments(opcode: number, payload: Uint8Array | string, size: number): Buffer[] {
  const bytes = toBytes(payload);
  const frames: Buffer[] = [];
  for (let offset = 0; offset < bytes.length || frames.length === 0; offset += size) {
    const end = Math.min(offset + size, bytes.length);
    frames.push(
      encodeFrame({
        opcode: frames.length === 0 ? opcode : Op.Continuation,
        payload: bytes.subarray(offset, end),
        fin: end >= bytes.length,
      }),
    );
  }
  return frames;
}
export interface ReceivedFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  /** Servers must not mask (RFC 6455 5.1); recorded so the verdict can flag it. */
  masked: boolean;
  payload: Buffer;
}

export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  /** Appends a chunk and returns the frames it completed. */
  push(chunk: Buffer): ReceivedFrame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: ReceivedFrame[] = [];
    for (;;) {
      const frame = this.readFrame();
      if (frame === undefined) return frames;
      frames.push(frame);
    }
  }

  private readFrame(): ReceivedFrame | undefined {
    const data = this.buffered;
    if (data.length < 2) return undefined;
    const first = data[0]!;
    const second = data[1]!;
    const masked = (second & 0x80) !== 0;
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = data.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      length = Number(data.readBigUInt64BE(2));
      offset = 10;
    }
    const keyOffset = offset;
    if (masked) offset += 4;
    if (data.length < offset + length) return undefined;
    let payload = Buffer.from(data.subarray(offset, offset + length));
    if (masked) {
      const key = data.subarray(keyOffset, keyOffset + 4);
      payload = Buffer.from(payload.map((byte, i) => byte ^ key[i & 3]!));
    }
    this.buffered = data.subarray(offset + length);
    return {
      fin: (first & 0x80) !== 0,
      rsv: (first >> 4) & 7,
      opcode: first & 0xf,
      masked,
      payload,
    };
  }
}
