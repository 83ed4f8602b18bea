import {
  carriesWebSocketMessage,
  checkMaxPayload,
  DEFAULT_MAX_PEER_PAYLOAD,
  EMPTY_PAYLOAD,
  isPeerFrameType,
  PEER_HEADER_SIZE,
  type PeerFrameType,
  readU32,
} from './peer-frame.js';
import { SchedulerError } from './scheduler-error.js';

/**
 * Receives each decoded frame. `payload` is valid ONLY during the call when the frame arrived whole
 * in one chunk: it is then a view of that chunk, which the link's shared read buffer overwrites on
 * the next read. Copy what you keep with `new Uint8Array(payload)` (a Buffer's `slice` does not copy).
 * Must not throw (see `push`).
 */
export type PeerFrameHandler = (
  type: PeerFrameType,
  opcode: number,
  code: number,
  id: number,
  payload: Uint8Array,
) => void;

export interface PeerDecoderOptions {
  /** Largest payload accepted (default 64 MiB); above it: `LAPPS_ERR_PEER_FRAME_TOO_BIG`. */
  maxPayload?: number;
}

enum State {
  Header,
  Payload,
  Failed,
}

/**
 * Incremental decoder of peer frames. Push chunks split anywhere (one byte at a time, many frames
 * at once); it calls the handler once per frame, in order. Per frame it allocates nothing but the
 * payload view; a frame split across chunks is assembled into a buffer of its own (which the
 * handler may keep).
 *
 * An unknown type, a message opcode other than text or binary, or a length above the limit makes
 * `push` throw a `SchedulerError`; the decoder then rejects all further input with the same error,
 * as there is no way to find the next frame boundary in a corrupt stream.
 *
 * @example
 * const decoder = new PeerDecoder((type, opcode, code, id, payload) => { ... });
 * socket.on('data', (chunk) => decoder.push(chunk));
 */
export class PeerDecoder {
  private readonly handler: PeerFrameHandler;
  private readonly maxPayload: number;

  private state = State.Header;
  private failure: unknown;

  // Header bytes that arrived split across chunks.
  private readonly headerBytes = new Uint8Array(PEER_HEADER_SIZE);
  private headerFill = 0;

  // The frame being read.
  private type = 0;
  private opcode = 0;
  private code = 0;
  private id = 0;
  private length = 0;

  // A payload that arrives split across chunks, and how much of it has come.
  private payload: Uint8Array = EMPTY_PAYLOAD;
  private payloadFill = 0;

  constructor(handler: PeerFrameHandler, options: PeerDecoderOptions = {}) {
    this.handler = handler;
    this.maxPayload = checkMaxPayload(options.maxPayload ?? DEFAULT_MAX_PEER_PAYLOAD);
  }

  /** Bytes held for a frame split across chunks (for accounting; bounded by `maxPayload`). */
  get bufferedBytes(): number {
    return this.headerFill + this.payloadFill;
  }

  /**
   * Decodes `chunk`, calling the handler for every frame it completes. The chunk is neither kept
   * nor modified, so a caller may reuse one read buffer for every read. If the handler throws, the
   * exception propagates, the rest of the chunk is lost, and the decoder is failed for good.
   */
  push(chunk: Uint8Array): void {
    if (this.state === State.Failed) throw this.failure;
    try {
      this.decode(chunk);
    } catch (error) {
      this.state = State.Failed;
      this.failure = error;
      throw error;
    }
  }

  private decode(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      if (this.state === State.Payload) {
        pos = this.readPayload(chunk, pos, end);
        continue;
      }
      // readHeader: the whole header in this chunk (the common case) or collected across chunks.
      if (this.headerFill === 0 && end - pos >= PEER_HEADER_SIZE) {
        this.parseHeader(chunk, pos);
        pos += PEER_HEADER_SIZE;
      } else {
        pos = this.collectHeader(chunk, pos, end);
        if (this.headerFill < PEER_HEADER_SIZE) return;
        this.headerFill = 0;
        this.parseHeader(this.headerBytes, 0);
      }
      const length = this.length;
      if (length === 0) {
        this.handler(this.type as PeerFrameType, this.opcode, this.code, this.id, EMPTY_PAYLOAD);
      } else if (end - pos >= length) {
        // The whole payload is here: deliver a view of the chunk, no copy.
        this.handler(
          this.type as PeerFrameType,
          this.opcode,
          this.code,
          this.id,
          chunk.subarray(pos, pos + length),
        );
        pos += length;
      } else {
        this.payload = Buffer.allocUnsafe(length);
        this.payloadFill = 0;
        this.state = State.Payload;
      }
    }
  }

  /** Copies header bytes into `headerBytes` until it is complete or the chunk ends. */
  private collectHeader(chunk: Uint8Array, pos: number, end: number): number {
    const header = this.headerBytes;
    while (pos < end && this.headerFill < PEER_HEADER_SIZE) {
      header[this.headerFill++] = chunk[pos++]!;
    }
    return pos;
  }

  /** Reads and checks the header at `at` of `bytes`. */
  private parseHeader(bytes: Uint8Array, at: number): void {
    const type = bytes[at]!;
    const opcode = bytes[at + 1]!;
    const length = readU32(bytes, at + 8);
    if (!isPeerFrameType(type)) {
      throw new SchedulerError('LAPPS_ERR_PEER_FRAME', `peer frame: unknown type ${type}`);
    }
    if (carriesWebSocketMessage(type) && opcode !== 1 && opcode !== 2) {
      throw new SchedulerError(
        'LAPPS_ERR_PEER_FRAME',
        `peer frame of type ${type}: opcode ${opcode} is neither text (1) nor binary (2)`,
      );
    }
    if (length > this.maxPayload) {
      throw new SchedulerError(
        'LAPPS_ERR_PEER_FRAME_TOO_BIG',
        `peer frame of type ${type}: payload of ${length} bytes is over the limit of ${this.maxPayload}`,
      );
    }
    this.type = type;
    this.opcode = opcode;
    this.code = bytes[at + 2]! | (bytes[at + 3]! << 8);
    this.id = readU32(bytes, at + 4);
    this.length = length;
  }

  /** readPayload: copies the next part of a split payload; delivers it once complete. */
  private readPayload(chunk: Uint8Array, pos: number, end: number): number {
    const take = Math.min(end - pos, this.length - this.payloadFill);
    this.payload.set(chunk.subarray(pos, pos + take), this.payloadFill);
    this.payloadFill += take;
    pos += take;
    if (this.payloadFill === this.length) {
      const payload = this.payload;
      this.payload = EMPTY_PAYLOAD;
      this.payloadFill = 0;
      this.state = State.Header;
      this.handler(this.type as PeerFrameType, this.opcode, this.code, this.id, payload);
    }
    return pos;
  }
}
