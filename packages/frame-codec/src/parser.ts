import { type Allocate, defaultAllocate } from './allocate.js';
import { CloseCode, isValidCloseCode } from './close-codes.js';
import { FrameError, type FrameErrorCode } from './errors.js';
import { maskInPlace, unmaskInto } from './mask.js';
import { type DataOpcode, Opcode } from './opcodes.js';
import { isValidUtf8, Utf8Validator } from './utf8.js';

/** Which end of the connection parses: servers receive masked frames, clients unmasked ones. */
export type Role = 'server' | 'client';

/** Receives what the parser finds. Called synchronously from `push`; handlers must not throw. */
export interface FrameHandler {
  /** A complete message; `payload` is its own buffer (never a view of the pushed chunk). */
  onMessage(opcode: DataOpcode, payload: Uint8Array): void;
  onPing(payload: Uint8Array): void;
  onPong(payload: Uint8Array): void;
  /**
   * A valid close frame. `code` is 1005 when the frame carried none. The parser ignores everything
   * after it, as RFC 6455 section 5.5.1 says no data follows a close frame.
   */
  onClose(code: number, reason: string): void;
  /** A protocol violation; reply with a close frame carrying `error.closeCode`. Nothing follows. */
  onError(error: FrameError): void;
}

export interface ParserOptions {
  role: Role;
  /** Largest message, in bytes, summed over its fragments (default 16 MiB). Above it: 1009. */
  maxMessageSize?: number;
  /** Most frames one message may be split into (default 131072). Above it: 1008. */
  maxFragments?: number;
  /** Allocator for payload buffers (default: `Buffer.allocUnsafe` where it exists). */
  allocate?: Allocate;
  /**
   * Hand over each pushed chunk (default false). A message that arrives whole in one chunk is then
   * unmasked inside that chunk and delivered as a view of it, with no allocation and no copy, as
   * `ws` does. Only for callers that get a fresh buffer per read (`'data'` events) and never touch
   * it again; a reused read buffer needs the default, which copies every payload out.
   */
  inPlace?: boolean;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
// Autobahn 9.3.x sends a 4 MiB message as 65536 frames of 64 bytes; allow that with room to spare.
export const DEFAULT_MAX_FRAGMENTS = 131072;

// A frame whose payload does not arrive whole is buffered in a buffer of its exact size only up to
// this size; above it the buffer grows by doubling as bytes arrive, so a client that announces a
// large frame and then trickles costs memory for what it sent, not for what it announced.
const PREALLOCATE_MAX = 64 * 1024;
// First buffer of a fragmented message whose end is unknown.
const FRAGMENTED_INITIAL = 4096;

const MAX_CONTROL_PAYLOAD = 125;
const EMPTY = new Uint8Array(0);
// The mask key handed to the masking functions (parsers are used one call at a time).
const sharedMaskKey = new Uint8Array(4);
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

enum State {
  Header,
  Payload,
  Closed,
  Failed,
}

/**
 * Incremental RFC 6455 frame parser. Push chunks of any size (one byte, a frame split anywhere,
 * many frames at once); it calls the handler for every complete message, ping, pong and close, and
 * once with an error on the first protocol violation, after which it ignores all input.
 *
 * By default pushed chunks are never kept nor modified: a caller may reuse one read buffer for every
 * read. Payloads are unmasked straight from the chunk into their own buffer in one pass. With
 * `inPlace`, whole messages are instead unmasked inside the chunk and delivered as views of it.
 *
 * @example
 * const parser = new FrameParser({ role: 'server' }, {
 *   onMessage(opcode, payload) { ... }, onPing(p) { ... }, onPong() {},
 *   onClose(code, reason) { ... }, onError(err) { socket.end(closeFrame(err.closeCode)) },
 * });
 * socket.on('data', (chunk) => parser.push(chunk));
 */
export class FrameParser {
  private readonly handler: FrameHandler;
  private readonly expectMask: boolean;
  private readonly maxMessageSize: number;
  private readonly maxFragments: number;
  private readonly allocate: Allocate;
  private readonly inPlace: boolean;

  private state = State.Header;

  // Header bytes that arrived split across chunks.
  /** A header split across chunks, collected here; made on first need (see `controlBuffer`). */
  private headerBuffer: Uint8Array | undefined;
  private headerFill = 0;

  // The frame being read.
  private fin = false;
  private opcode = 0;
  // The frame's mask key, byte by byte: four small integers cost nothing per connection, where a
  // typed array of its own would cost about 200 bytes (see `controlBuffer`).
  private mask0 = 0;
  private mask1 = 0;
  private mask2 = 0;
  private mask3 = 0;
  private remaining = 0; // payload bytes still to come
  private payloadRead = 0; // payload bytes already read (the mask offset)

  // A control frame's payload, collected when it arrives split.
  /**
   * A control frame's payload; made on first need. A server holds a parser per idle connection,
   * and typed arrays cost about 200 bytes each before their contents: made lazily, the two
   * buffers cost nothing on connections that never split a header or send a control frame.
   */
  private controlBuffer: Uint8Array | undefined;

  // The message being assembled: its opcode (0 = none in progress), buffer and fill.
  private messageOpcode = 0;
  private messageBuffer: Uint8Array = EMPTY;
  private messageLength = 0;
  private fragments = 0;
  private readonly utf8 = new Utf8Validator();

  constructor(options: ParserOptions, handler: FrameHandler) {
    this.handler = handler;
    this.expectMask = options.role === 'server';
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.maxFragments = options.maxFragments ?? DEFAULT_MAX_FRAGMENTS;
    this.allocate = options.allocate ?? defaultAllocate;
    this.inPlace = options.inPlace ?? false;
  }

  /** True once a close frame or an error ended the stream. */
  get finished(): boolean {
    return this.state === State.Closed || this.state === State.Failed;
  }

  /** Bytes held for an unfinished message (for accounting; bounded by `maxMessageSize`). */
  get bufferedBytes(): number {
    return this.messageBuffer.length;
  }

  private controlBytes(): Uint8Array {
    this.controlBuffer ??= new Uint8Array(MAX_CONTROL_PAYLOAD);
    return this.controlBuffer;
  }

  /** Parses `chunk`; may call the handler any number of times before returning. */
  push(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      const state = this.state;
      if (state === State.Payload) {
        pos = this.readPayload(chunk, pos, end);
      } else if (state === State.Header) {
        pos =
          this.headerFill === 0
            ? this.readHeader(chunk, pos, end)
            : this.readSplitHeader(chunk, pos, end);
      } else {
        return;
      }
    }
  }

  /** Reads a header that starts at `pos`; falls back to collecting it when it is not all there. */
  private readHeader(chunk: Uint8Array, pos: number, end: number): number {
    if (end - pos < 2) return this.readSplitHeader(chunk, pos, end);
    const b1 = chunk[pos + 1]!;
    const size = headerSize(b1);
    if (end - pos < size) return this.readSplitHeader(chunk, pos, end);
    if (!this.checkStart(chunk[pos]!, b1)) return end;
    if (!this.readLengthAndMask(chunk, pos, b1)) return end;
    pos += size;

    // Fast path: a whole unfragmented data message that is all in this chunk.
    const length = this.remaining;
    if (this.fin && this.opcode !== Opcode.Continuation && this.opcode < 8 && end - pos >= length) {
      let payload: Uint8Array;
      if (this.inPlace) {
        payload = chunk.subarray(pos, pos + length);
        if (this.expectMask) maskInPlace(payload, 0, length, this.maskKey());
      } else {
        payload = this.allocate(length);
        this.copyPayload(chunk, pos, payload, 0, length);
      }
      this.remaining = 0;
      this.messageOpcode = 0;
      this.fragments = 0;
      const opcode = this.opcode as DataOpcode;
      if (opcode === Opcode.Text && !isValidUtf8(payload)) {
        this.fail('LAPPS_ERR_INVALID_UTF8', 'text message is not valid UTF-8');
        return end;
      }
      this.handler.onMessage(opcode, payload);
      return pos + length;
    }
    this.state = State.Payload;
    if (length === 0) this.endFrame();
    return pos;
  }

  /** Collects header bytes one chunk at a time into `headerBuffer`. */
  private readSplitHeader(chunk: Uint8Array, pos: number, end: number): number {
    this.headerBuffer ??= new Uint8Array(14);
    const buf = this.headerBuffer;
    while (pos < end) {
      buf[this.headerFill++] = chunk[pos++]!;
      if (this.headerFill === 2) {
        // Judge the first two bytes at once: a bad opcode fails before its length arrives.
        if (!this.checkStart(buf[0]!, buf[1]!)) return end;
      }
      if (this.headerFill >= 2 && this.headerFill === headerSize(buf[1]!)) {
        this.headerFill = 0;
        if (!this.readLengthAndMask(buf, 0, buf[1]!)) return end;
        this.state = State.Payload;
        if (this.remaining === 0) this.endFrame();
        return pos;
      }
    }
    return pos;
  }

  /** Validates the first two header bytes (RFC 6455 section 5.2) and records FIN and opcode. */
  private checkStart(b0: number, b1: number): boolean {
    if ((b0 & 0x70) !== 0)
      return this.fail('LAPPS_ERR_RSV_SET', 'RSV bits set without a negotiated extension');
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    if (opcode >= 8) {
      if (opcode > Opcode.Pong)
        return this.fail('LAPPS_ERR_RESERVED_OPCODE', `reserved opcode ${opcode}`);
      if (!fin) return this.fail('LAPPS_ERR_CONTROL_FRAGMENTED', 'fragmented control frame');
      if ((b1 & 0x7f) > MAX_CONTROL_PAYLOAD) {
        return this.fail('LAPPS_ERR_CONTROL_TOO_LONG', 'control frame payload over 125 bytes');
      }
    } else if (opcode === Opcode.Continuation) {
      if (this.messageOpcode === 0) {
        return this.fail(
          'LAPPS_ERR_UNEXPECTED_CONTINUATION',
          'continuation frame without a message in progress',
        );
      }
    } else if (opcode <= Opcode.Binary) {
      if (this.messageOpcode !== 0) {
        return this.fail(
          'LAPPS_ERR_EXPECTED_CONTINUATION',
          'new data frame inside a fragmented message',
        );
      }
    } else {
      return this.fail('LAPPS_ERR_RESERVED_OPCODE', `reserved opcode ${opcode}`);
    }
    if (((b1 & 0x80) !== 0) !== this.expectMask) {
      return this.expectMask
        ? this.fail('LAPPS_ERR_UNMASKED_FRAME', 'client frame is not masked')
        : this.fail('LAPPS_ERR_MASKED_FRAME', 'server frame is masked');
    }
    this.fin = fin;
    this.opcode = opcode;
    return true;
  }

  /** Reads the extended length and the masking key of a header at `at`; applies the limits. */
  private readLengthAndMask(buf: Uint8Array, at: number, b1: number): boolean {
    let length = b1 & 0x7f;
    let p = at + 2;
    if (length === 126) {
      length = (buf[p]! << 8) | buf[p + 1]!;
      p += 2;
    } else if (length === 127) {
      const high = ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
      if (high >= 0x80000000) {
        return this.fail(
          'LAPPS_ERR_LENGTH_TOP_BIT',
          '64-bit payload length with the most significant bit set',
        );
      }
      const low =
        ((buf[p + 4]! << 24) | (buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!) >>> 0;
      // Beyond 2^53 this loses precision, but such a length is far over any limit anyway.
      length = high * 0x100000000 + low;
      p += 8;
    }
    if (this.expectMask) {
      this.mask0 = buf[p]!;
      this.mask1 = buf[p + 1]!;
      this.mask2 = buf[p + 2]!;
      this.mask3 = buf[p + 3]!;
    }
    if (this.opcode < 8) {
      if (this.messageLength + length > this.maxMessageSize) {
        return this.fail(
          'LAPPS_ERR_MESSAGE_TOO_BIG',
          `message of at least ${this.messageLength + length} bytes exceeds the limit of ${this.maxMessageSize}`,
        );
      }
      if (this.opcode !== Opcode.Continuation) this.fragments = 0;
      if (++this.fragments > this.maxFragments) {
        return this.fail(
          'LAPPS_ERR_TOO_MANY_FRAGMENTS',
          `message split into more than ${this.maxFragments} frames`,
        );
      }
      if (this.opcode !== Opcode.Continuation) this.messageOpcode = this.opcode;
    }
    this.remaining = length;
    this.payloadRead = 0;
    return true;
  }

  /** Consumes payload bytes of the current frame from chunk[pos, end). */
  private readPayload(chunk: Uint8Array, pos: number, end: number): number {
    const n = Math.min(this.remaining, end - pos);
    if (this.opcode >= 8) {
      this.copyPayload(chunk, pos, this.controlBytes(), this.payloadRead, n);
    } else {
      this.reserve(n);
      const at = this.messageLength;
      this.copyPayload(chunk, pos, this.messageBuffer, at, n);
      this.messageLength = at + n;
      // Validate what arrived now, so bad UTF-8 fails in the chunk that carries it.
      if (this.messageOpcode === Opcode.Text && !this.utf8.update(this.messageBuffer, at, at + n)) {
        this.fail('LAPPS_ERR_INVALID_UTF8', 'text message is not valid UTF-8');
        return end;
      }
    }
    this.payloadRead += n;
    this.remaining -= n;
    if (this.remaining === 0) this.endFrame();
    return pos + n;
  }

  /** The current frame's mask key, in a buffer shared by every parser (valid until the next call). */
  private maskKey(): Uint8Array {
    const key = sharedMaskKey;
    key[0] = this.mask0;
    key[1] = this.mask1;
    key[2] = this.mask2;
    key[3] = this.mask3;
    return key;
  }

  /** Copies (unmasking in server role) payload bytes into `target`. */
  private copyPayload(
    chunk: Uint8Array,
    pos: number,
    target: Uint8Array,
    at: number,
    n: number,
  ): void {
    if (this.expectMask) {
      unmaskInto(chunk, pos, target, at, n, this.maskKey(), this.payloadRead);
    } else if (n > 0) {
      target.set(chunk.subarray(pos, pos + n), at);
    }
  }

  /**
   * Makes room for `n` more bytes of the message. Growth doubles (linear total copying) and stops
   * at the exact end of the message when the final frame is being read.
   */
  private reserve(n: number): void {
    const need = this.messageLength + n;
    const capacity = this.messageBuffer.length;
    if (need <= capacity) return;
    const limit = this.fin ? this.messageLength + this.remaining : this.maxMessageSize;
    let size: number;
    if (capacity === 0) {
      size = this.fin
        ? Math.min(limit, Math.max(need, PREALLOCATE_MAX))
        : Math.min(limit, Math.max(need, FRAGMENTED_INITIAL));
    } else {
      size = Math.min(limit, Math.max(need, capacity * 2));
    }
    const grown = this.allocate(size);
    if (this.messageLength > 0) grown.set(this.messageBuffer.subarray(0, this.messageLength));
    this.messageBuffer = grown;
  }

  /** The current frame's payload is complete. */
  private endFrame(): void {
    this.state = State.Header;
    const opcode = this.opcode;
    if (opcode >= 8) {
      this.endControlFrame(opcode);
      return;
    }
    if (!this.fin) return;
    const messageOpcode = this.messageOpcode as DataOpcode;
    const buffer = this.messageBuffer;
    const length = this.messageLength;
    const payload = length === buffer.length ? buffer : buffer.subarray(0, length);
    this.messageOpcode = 0;
    this.messageBuffer = EMPTY;
    this.messageLength = 0;
    this.fragments = 0;
    if (messageOpcode === Opcode.Text) {
      const complete = this.utf8.complete;
      this.utf8.reset();
      if (!complete) {
        this.fail('LAPPS_ERR_INVALID_UTF8', 'text message ends inside a UTF-8 sequence');
        return;
      }
    }
    this.handler.onMessage(messageOpcode, payload);
  }

  private endControlFrame(opcode: number): void {
    const length = this.payloadRead;
    if (opcode === Opcode.Close) {
      this.readClose(this.controlBytes(), length);
      return;
    }
    const payload = this.allocate(length);
    if (length > 0) payload.set(this.controlBytes().subarray(0, length));
    if (opcode === Opcode.Ping) this.handler.onPing(payload);
    else this.handler.onPong(payload);
  }

  /** Section 5.5.1: an optional 2-byte code, then an optional UTF-8 reason. */
  private readClose(bytes: Uint8Array, length: number): void {
    if (length === 0) {
      this.state = State.Closed;
      this.handler.onClose(CloseCode.NoStatusReceived, '');
      return;
    }
    if (length === 1) {
      this.fail('LAPPS_ERR_CLOSE_PAYLOAD_LENGTH', 'close frame with a 1-byte payload');
      return;
    }
    const code = (bytes[0]! << 8) | bytes[1]!;
    if (!isValidCloseCode(code)) {
      this.fail('LAPPS_ERR_INVALID_CLOSE_CODE', `invalid close code ${code}`);
      return;
    }
    if (!isValidUtf8(bytes, 2, length)) {
      this.fail('LAPPS_ERR_INVALID_UTF8', 'close reason is not valid UTF-8');
      return;
    }
    const reason = length === 2 ? '' : utf8Decoder.decode(bytes.subarray(2, length));
    this.state = State.Closed;
    this.handler.onClose(code, reason);
  }

  /** Records the first protocol violation and reports it; always returns false. */
  private fail(code: FrameErrorCode, message: string): false {
    this.state = State.Failed;
    this.messageBuffer = EMPTY;
    this.messageLength = 0;
    this.handler.onError(new FrameError(code, message));
    return false;
  }
}

/** Header length from its second byte: 2, plus 2 or 8 for extended lengths, plus 4 for a mask. */
function headerSize(b1: number): number {
  const length = b1 & 0x7f;
  return 2 + (length === 126 ? 2 : length === 127 ? 8 : 0) + ((b1 & 0x80) !== 0 ? 4 : 0);
}
