import { FrameError, type FrameHandler, FrameParser, type ParserOptions } from '../src/index.js';

/** What a parser reported, in order, as plain values that `toEqual` can compare. */
export type Event =
  | { kind: 'message'; opcode: number; payload: Uint8Array }
  | { kind: 'ping' | 'pong'; payload: Uint8Array }
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'error'; code: string; closeCode: number };

export function recordingParser(options: ParserOptions): { parser: FrameParser; events: Event[] } {
  const events: Event[] = [];
  const handler: FrameHandler = {
    onMessage: (opcode, payload) =>
      events.push({ kind: 'message', opcode, payload: Uint8Array.from(payload) }),
    onPing: (payload) => events.push({ kind: 'ping', payload: Uint8Array.from(payload) }),
    onPong: (payload) => events.push({ kind: 'pong', payload: Uint8Array.from(payload) }),
    onClose: (code, reason) => events.push({ kind: 'close', code, reason }),
    onError: (error) => {
      if (!(error instanceof FrameError)) throw new Error('not a FrameError');
      events.push({ kind: 'error', code: error.code, closeCode: error.closeCode });
    },
  };
  return { parser: new FrameParser(options, handler), events };
}

/** Parses `bytes` pushed in pieces of `step` bytes (all at once when omitted). */
export function parseAll(
  options: ParserOptions,
  bytes: Uint8Array,
  step = bytes.length || 1,
): Event[] {
  const { parser, events } = recordingParser(options);
  for (let i = 0; i < bytes.length; i += step) parser.push(bytes.subarray(i, i + step));
  return events;
}

export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.replace(/\s+/g, '').match(/../g) ?? [], (b) =>
    Number.parseInt(b, 16),
  );
}

export const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * A raw frame written byte by byte from RFC 6455 section 5.2, independent of the serializer, so that
 * malformed frames (reserved bits, bad lengths) can be built too.
 */
export function rawFrame(options: {
  opcode: number;
  payload?: Uint8Array;
  fin?: boolean;
  rsv?: number;
  mask?: Uint8Array | null;
  length?: bigint; // override the declared length
}): Uint8Array {
  const payload = options.payload ?? new Uint8Array(0);
  const mask = options.mask === undefined ? Uint8Array.of(0x37, 0xfa, 0x21, 0x3d) : options.mask;
  const length = options.length ?? BigInt(payload.length);
  const head: number[] = [
    ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | options.opcode,
  ];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 0x10000n)
    head.push(maskBit | 126, Number(length >> 8n), Number(length & 0xffn));
  else {
    head.push(maskBit | 127);
    for (let shift = 56n; shift >= 0n; shift -= 8n) head.push(Number((length >> shift) & 0xffn));
  }
  if (mask) head.push(...mask);
  const body = payload.slice();
  if (mask) for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ mask[i & 3]!;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A copy as a plain Uint8Array, so that `toEqual` compares bytes and not Buffer against Uint8Array. */
export const plain = (bytes: Uint8Array) => Uint8Array.from(bytes);
