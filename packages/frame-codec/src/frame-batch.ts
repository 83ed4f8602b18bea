import { type Allocate, defaultAllocate } from './allocate.js';
import type { Opcode } from './opcodes.js';
import { type FrameSerializer, headerLength } from './serializer.js';

export interface FrameBatchOptions {
  /** Size of the buffers small frames are packed into (default 64 KiB: each new buffer has a fixed cost). */
  chunkSize?: number;
  /**
   * Unmasked payloads above this size are not copied: the batch holds them as chunks of their own
   * (default 16 KiB). The caller must then not modify them until they are written.
   */
  copyThreshold?: number;
  allocate?: Allocate;
}

/**
 * The pending output of one connection: frames added during one event-loop turn are packed into as
 * few buffers as possible, and `take()` hands them over for a single write (or writev). Buffers are
 * carved from a larger one, so a small frame costs no allocation of its own.
 */
/** Until the first frame: shared, never written (`reserve` replaces it), no array per batch. */
const NO_BUFFER = new Uint8Array(0);

export class FrameBatch {
  private readonly serializer: FrameSerializer;
  private readonly chunkSize: number;
  private readonly copyThreshold: number;
  private readonly allocate: Allocate;
  private chunks: Uint8Array[] = [];
  private buffer: Uint8Array;
  private start = 0;
  private used = 0;
  private pending = 0;

  constructor(serializer: FrameSerializer, options: FrameBatchOptions = {}) {
    this.serializer = serializer;
    this.chunkSize = options.chunkSize ?? 64 * 1024;
    this.copyThreshold = options.copyThreshold ?? 16 * 1024;
    this.allocate = options.allocate ?? defaultAllocate;
    this.buffer = NO_BUFFER;
  }

  /** Bytes added and not yet taken. */
  get byteLength(): number {
    return this.pending;
  }

  /** Adds one frame (masked in client role). */
  add(opcode: Opcode, payload: Uint8Array, fin = true): void {
    const length = payload.length;
    const serializer = this.serializer;
    if (!serializer.masked && length > this.copyThreshold) {
      this.reserve(14);
      this.used += serializer.writeHeader(this.buffer, this.used, opcode, length, fin);
      this.seal();
      this.chunks.push(payload);
    } else {
      this.reserve(headerLength(length, serializer.masked) + length);
      this.used += serializer.frameInto(this.buffer, this.used, opcode, payload, fin);
    }
    this.pending += headerLength(length, serializer.masked) + length;
  }

  /** Everything added since the last call, in order, as chunks for one write; empties the batch. */
  take(): Uint8Array[] {
    this.seal();
    const out = this.chunks;
    this.chunks = [];
    this.pending = 0;
    return out;
  }

  /**
   * Declares that nothing refers to the bytes of the last `take()` any more, so the current buffer
   * is reused from its start instead of moving on. Call it right after writing what `take()` gave
   * when the socket reports it handed everything to the kernel (`socket.writableLength === 0`):
   * request/response traffic then cycles through the same warm memory instead of a fresh 64 KiB
   * buffer every few dozen frames. Does nothing once more frames have been added.
   */
  release(): void {
    if (this.pending === 0 && this.used === this.start) {
      this.start = 0;
      this.used = 0;
    }
  }

  private reserve(size: number): void {
    if (this.buffer.length - this.used >= size) return;
    this.seal();
    this.buffer = this.allocate(Math.max(this.chunkSize, size));
    this.start = 0;
    this.used = 0;
  }

  /** Moves the written part of the current buffer to the chunk list; the rest stays for later. */
  private seal(): void {
    if (this.used > this.start) {
      this.chunks.push(this.buffer.subarray(this.start, this.used));
      this.start = this.used;
    }
  }
}
